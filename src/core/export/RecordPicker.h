#pragma once

#include <QJsonValue>
#include <QStringList>
#include <QVector>

#include <string>
#include <vector>

namespace tango {

class JsonReader;

// Reads records straight from JSON text and keeps only the values at a set of dotted paths,
// so that an export need not build a QJsonObject per record nor look keys up in one.
// For every path the value is the one ContractFields::valueAt(record, path) gives for the
// record as QJsonDocument would read it (nested objects, flat "a.b" keys, null and missing).
class RecordPicker
{
public:
    explicit RecordPicker(const QStringList &paths = {});
    void setPaths(const QStringList &paths);
    QStringList paths() const { return m_paths; }

    // Reads the next value of r (one record) and sets *values to one value per path, in
    // order. A record that is not an object gives undefined values, as QJsonValue::toObject()
    // of it would. Returns false when the text is not JSON.
    bool pick(JsonReader &r, QVector<QJsonValue> *values);

private:
    struct Column
    {
        QStringList parts;
        std::string full;   // UTF-8, for flat keys
        std::string second; // UTF-8 second part, when deep
        int root = -1;
        bool deep = false;
    };
    struct Root
    {
        std::string key; // UTF-8 first part
        QVector<int> single;
        QVector<int> deep;
    };

    QStringList m_paths;
    QVector<Column> m_columns;
    std::vector<Root> m_roots;
    QVector<int> m_deep;
    // Per record.
    std::vector<QJsonValue> m_rootValues;
    std::vector<char> m_seen;
    std::vector<char> m_streamed;     // the root object was walked, not built
    std::vector<QJsonValue> m_level1; // per column: its second part's value in the root object
    std::vector<QJsonValue> m_flat;
};

} // namespace tango
