#include "export/RecordPicker.h"

#include "util/JsonReader.h"

#include <QJsonObject>

namespace tango {

RecordPicker::RecordPicker(const QStringList &paths)
{
    setPaths(paths);
}

void RecordPicker::setPaths(const QStringList &paths)
{
    if (paths == m_paths && m_columns.size() == paths.size())
        return;
    m_paths = paths;
    m_columns.clear();
    m_roots.clear();
    m_deep.clear();
    for (int i = 0; i < paths.size(); ++i) {
        Column c;
        c.parts = paths.at(i).split(QLatin1Char('.'), Qt::KeepEmptyParts);
        c.full = paths.at(i).toStdString();
        c.deep = c.parts.size() > 1;
        if (c.deep)
            c.second = c.parts.at(1).toStdString();
        const std::string key = c.parts.constFirst().toStdString();
        int root = -1;
        for (size_t r = 0; r < m_roots.size(); ++r) {
            if (m_roots[r].key == key)
                root = int(r);
        }
        if (root < 0) {
            root = int(m_roots.size());
            m_roots.push_back(Root{key, {}, {}});
        }
        c.root = root;
        if (c.deep) {
            m_roots[size_t(root)].deep.append(i);
            m_deep.append(i);
        } else {
            m_roots[size_t(root)].single.append(i);
        }
        m_columns.append(c);
    }
    m_rootValues.assign(m_roots.size(), QJsonValue());
    m_seen.assign(m_roots.size(), 0);
    m_streamed.assign(m_roots.size(), 0);
    m_level1.assign(size_t(m_columns.size()), QJsonValue(QJsonValue::Undefined));
    m_flat.assign(size_t(m_columns.size()), QJsonValue(QJsonValue::Undefined));
}

bool RecordPicker::pick(JsonReader &r, QVector<QJsonValue> *values)
{
    const qsizetype n = m_columns.size();
    values->resize(n);
    for (qsizetype i = 0; i < n; ++i)
        (*values)[i] = QJsonValue(QJsonValue::Undefined);
    if (r.peek() != '{')
        return r.skipValue();
    if (!r.beginObject())
        return false;
    std::fill(m_seen.begin(), m_seen.end(), 0);
    for (const int c : qAsConst(m_deep))
        m_flat[size_t(c)] = QJsonValue(QJsonValue::Undefined);

    bool first = true;
    for (;;) {
        std::string_view key;
        const JsonReader::Step step = r.nextMember(&first, &key);
        if (step == JsonReader::Step::Error)
            return false;
        if (step == JsonReader::Step::End)
            break;
        bool taken = false;
        for (size_t i = 0; i < m_roots.size(); ++i) {
            const Root &root = m_roots[i];
            if (root.key.size() != key.size() || root.key != key)
                continue;
            taken = true;
            m_seen[i] = 1;
            if (root.single.isEmpty() && r.peek() == '{') {
                // Only paths below it: read just their values instead of the whole object.
                m_streamed[i] = 1;
                for (const int c : root.deep)
                    m_level1[size_t(c)] = QJsonValue(QJsonValue::Undefined);
                if (!r.beginObject())
                    return false;
                bool inner = true;
                for (;;) {
                    std::string_view k;
                    const JsonReader::Step s = r.nextMember(&inner, &k);
                    if (s == JsonReader::Step::Error)
                        return false;
                    if (s == JsonReader::Step::End)
                        break;
                    bool got = false;
                    QJsonValue v;
                    for (const int c : root.deep) {
                        const std::string &second = m_columns.at(c).second;
                        if (second.size() != k.size() || second != k)
                            continue;
                        if (!got && !r.readValue(&v))
                            return false;
                        got = true;
                        m_level1[size_t(c)] = v;
                    }
                    if (!got && !r.skipValue())
                        return false;
                }
                break;
            }
            m_streamed[i] = 0;
            QJsonValue v;
            if (!r.readValue(&v))
                return false;
            // A repeated key: the last one counts, as in QJsonObject.
            for (const int c : root.single)
                (*values)[c] = v;
            m_rootValues[i] = v;
            break;
        }
        if (!taken && !m_deep.isEmpty()) {
            // A flat=true record carries "recipient.display_name" as one key.
            for (const int c : qAsConst(m_deep)) {
                const std::string &full = m_columns.at(c).full;
                if (full.size() != key.size() || full != key)
                    continue;
                if (!taken) {
                    QJsonValue v;
                    if (!r.readValue(&v))
                        return false;
                    taken = true;
                    for (const int d : qAsConst(m_deep)) {
                        if (m_columns.at(d).full == m_columns.at(c).full)
                            m_flat[size_t(d)] = v;
                    }
                }
            }
        }
        if (!taken && !r.skipValue())
            return false;
    }

    for (const int c : qAsConst(m_deep)) {
        const Column &col = m_columns.at(c);
        if (!m_seen[size_t(col.root)]) {
            (*values)[c] = m_flat[size_t(c)];
            continue;
        }
        // As ContractFields::valueAt: down the objects, null or missing at the first non-object.
        const bool streamed = m_streamed[size_t(col.root)];
        QJsonValue v = streamed ? m_level1[size_t(c)] : m_rootValues[size_t(col.root)];
        for (qsizetype i = streamed ? 2 : 1; i < col.parts.size(); ++i) {
            if (!v.isObject()) {
                v = v.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(QJsonValue::Undefined);
                break;
            }
            v = v.toObject().value(col.parts.at(i));
        }
        (*values)[c] = v;
    }
    return true;
}

} // namespace tango
