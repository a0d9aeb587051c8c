#include "CsvRows.h"

#include <QFile>

QVector<QStringList> parseCsv(const QByteArray &bytes, QChar delimiter)
{
    QString text = QString::fromUtf8(bytes);
    if (text.startsWith(QChar(0xFEFF)))
        text.remove(0, 1);
    QVector<QStringList> rows;
    QStringList row;
    QString cell;
    bool quoted = false;
    bool any = false;
    for (int i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        if (quoted) {
            if (c == QLatin1Char('"')) {
                if (i + 1 < text.size() && text.at(i + 1) == QLatin1Char('"')) {
                    cell += c;
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                cell += c;
            }
            continue;
        }
        if (c == QLatin1Char('"')) {
            quoted = true;
            any = true;
        } else if (c == delimiter) {
            row.append(cell);
            cell.clear();
            any = true;
        } else if (c == QLatin1Char('\r')) {
            continue;
        } else if (c == QLatin1Char('\n')) {
            row.append(cell);
            rows.append(row);
            row.clear();
            cell.clear();
            any = false;
        } else {
            cell += c;
            any = true;
        }
    }
    if (any) {
        row.append(cell);
        rows.append(row);
    }
    return rows;
}

QVector<QStringList> readCsvFile(const QString &path, QChar delimiter)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return parseCsv(f.readAll(), delimiter);
}

QStringList firstColumn(const QVector<QStringList> &rows)
{
    QStringList out;
    for (int i = 1; i < rows.size(); ++i)
        out.append(rows.at(i).value(0));
    return out;
}
