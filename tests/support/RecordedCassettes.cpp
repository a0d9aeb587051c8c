#include "RecordedCassettes.h"

#include "TestPaths.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

QString RecordedCassettes::dir()
{
    const QString shared = sharedDir();
    return shared.isEmpty() ? QString() : shared + QStringLiteral("/tango-api/cassettes");
}

QVector<RecordedCassettes::Interaction> RecordedCassettes::interactions(bool *ok)
{
    if (ok)
        *ok = true;
    QVector<Interaction> out;
    const QString folder = dir();
    if (folder.isEmpty())
        return out;
    const QDir cassettes(folder);
    for (const QString &name : cassettes.entryList({QStringLiteral("*.json")}, QDir::Files)) {
        QFile f(cassettes.filePath(name));
        if (!f.open(QIODevice::ReadOnly)) {
            if (ok)
                *ok = false;
            continue;
        }
        const QJsonArray recorded = QJsonDocument::fromJson(f.readAll())
                                        .object()
                                        .value(QLatin1String("interactions"))
                                        .toArray();
        for (int i = 0; i < recorded.size(); ++i) {
            const QJsonObject o = recorded.at(i).toObject();
            out.append({name, i, o.value(QLatin1String("request")).toObject(),
                        o.value(QLatin1String("response")).toObject()});
        }
    }
    return out;
}
