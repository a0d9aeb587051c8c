#pragma once

#include <QMetaType>
#include <QString>

#include <optional>

namespace tango {

// A snapshot of a running export, emitted after every page and whenever a wait starts or ends.
struct ExportProgress
{
    qint64 rowsWritten = 0;
    int pages = 0;                      // pages written (API walk) or chunks (records mode)
    int requests = 0;                   // page requests started, page-level retries included
    qint64 bytesWritten = 0;            // bytes in the output so far (BOM and header included)
    std::optional<qint64> rowsExpected; // "about": the server's count, capped by the row limit
    qint64 elapsedMs = 0;               // time spent exporting (not counting time while failed)
    int retries = 0;                    // requests sent again after an error (any kind)
    int rateLimited = 0;                // 429 answers among them: pacing should keep this at 0
    qint64 waitSeconds = 0;             // current wait before the next request, 0 when none
    QString waitReason;                 // translated, e.g. "rate limit (burst)"

    // Rows per second so far; 0 before the first second of data.
    double rowsPerSecond() const
    {
        return elapsedMs > 0 ? double(rowsWritten) * 1000.0 / double(elapsedMs) : 0.0;
    }
    // About how many rows remain, when the total is known.
    std::optional<qint64> rowsRemaining() const
    {
        if (!rowsExpected)
            return std::nullopt;
        return qMax<qint64>(0, *rowsExpected - rowsWritten);
    }
    // About how long is left at the current rate, when both are known.
    std::optional<qint64> secondsRemaining() const
    {
        const auto left = rowsRemaining();
        const double rate = rowsPerSecond();
        if (!left || rate <= 0.0)
            return std::nullopt;
        return qint64(double(*left) / rate + 0.5);
    }
};

} // namespace tango

Q_DECLARE_METATYPE(tango::ExportProgress)
