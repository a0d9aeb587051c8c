#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

// The recorded real API responses, <shared>/tango-api/cassettes/*.json, read at run time (never
// copied into the repository).
class RecordedCassettes
{
public:
    struct Interaction
    {
        QString file;  // the cassette's file name
        int index = 0; // position in the cassette
        QJsonObject request;
        QJsonObject response;
    };

    // The cassettes folder; empty when the shared folder is not there (tests then skip).
    static QString dir();
    // Every interaction of every cassette, file by file in name order; *ok is false when a
    // cassette could not be opened.
    static QVector<Interaction> interactions(bool *ok = nullptr);
};
