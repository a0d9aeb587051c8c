#pragma once

#include "sandbox/SandboxQuery.h"
#include "sandbox/SandboxResponse.h"

#include <QHash>
#include <QString>
#include <QVector>

namespace tango {

class SandboxData;

// /api/contracts/ and /api/contracts/{key}/: keyset paging with opaque cursors, shape, flat,
// filters and ordering over SandboxData. Filtered row lists are cached per filter set so that
// walking a cursor chain costs a binary search per page, not a scan.
class SandboxContractsApi
{
public:
    explicit SandboxContractsApi(const SandboxData *data)
        : m_data(data)
    {}

    // selfUrl: absolute URL of the list endpoint without query
    // ("http://127.0.0.1:P/api/contracts/").
    SandboxResponse list(const SandboxQuery::Params &params, const QString &selfUrl);
    SandboxResponse detail(const QString &key, const SandboxQuery::Params &params);

    // The rows a query selects, in its order (tests and keysInDefaultOrder()).
    const QVector<int> &rows(const SandboxQuery &query);

private:
    struct Cursor
    {
        qint64 value = 0;
        int row = -1; // the row whose key the cursor carries
        bool backward = false;
    };
    QByteArray encodeCursor(int row, const SandboxQuery &q, bool backward) const;
    bool decodeCursor(const QString &text, const SandboxQuery &q, Cursor *cursor) const;
    bool parseShape(const SandboxQuery::Params &params, QVector<SandboxShape::Field> *fields,
                    SandboxData::WriteOptions *options, SandboxResponse *error) const;

    const SandboxData *m_data;
    QHash<QString, QVector<int>> m_cache;
};

} // namespace tango
