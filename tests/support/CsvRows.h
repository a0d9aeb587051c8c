#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVector>

// Minimal RFC 4180 reading for checking what an export wrote: quotes, doubled quotes, CRLF and a
// leading byte order mark. Independent of CsvWriter, so that it can catch its mistakes.

// Every row of `bytes` (the header included), each cell unquoted.
QVector<QStringList> parseCsv(const QByteArray &bytes, QChar delimiter = QLatin1Char(','));

// The rows of the file at `path`; empty when it cannot be read.
QVector<QStringList> readCsvFile(const QString &path, QChar delimiter = QLatin1Char(','));

// First column of every data row (the header skipped).
QStringList firstColumn(const QVector<QStringList> &rows);
