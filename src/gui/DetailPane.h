#pragma once

#include "api/ApiClient.h"
#include "api/ApiError.h"
#include "api/ApiReply.h"

#include <QHash>
#include <QJsonObject>
#include <QPointer>
#include <QUrl>
#include <QWidget>

class QLabel;
class QPushButton;
class QScrollArea;
class QStackedWidget;
class QTableWidget;
class QVBoxLayout;

namespace tango {

// One contract in full: fetched from /api/contracts/{key}/ with a rich shape when a row is
// selected, shown in groups with a copy button on every value. A new selection aborts the
// request of the previous one, and a late answer for an old key is dropped.
class DetailPane : public QWidget
{
    Q_OBJECT
public:
    explicit DetailPane(QWidget *parent = nullptr);
    ~DetailPane() override;

    void setClient(ApiClient *client);
    ApiClient *client() const { return m_client; }

    static QString detailShape();
    static QUrl usaspendingUrl(const QString &key);

    QString currentKey() const { return m_key; }
    bool isLoading() const { return m_reply != nullptr; }
    QJsonObject record() const { return m_record; }
    // The shown text of a field by its path ("recipient.uei"), empty when not shown.
    QString valueText(const QString &path) const;
    int transactionCount() const;

public Q_SLOTS:
    void showContract(const QString &key);
    void clear();
    void retry();

Q_SIGNALS:
    void failed(const tango::ApiError &error);
    void loaded(const QString &key);

private:
    void onLoaded(quint64 generation, const QJsonObject &record);
    void onFailed(quint64 generation, const ApiError &error);
    void abortReply();
    void buildContent();
    void addGroup(QVBoxLayout *into, const QString &title,
                  const QList<QPair<QString, QString>> &fields);
    QString formatValue(const QString &path, const QJsonValue &v, bool *isNull) const;

    QPointer<ApiClient> m_client;
    QPointer<ApiReply> m_reply;
    quint64 m_generation = 0;
    QString m_key;
    QJsonObject m_record;
    QHash<QString, QLabel *> m_values;
    QStackedWidget *m_stack;
    QLabel *m_placeholder;
    QLabel *m_title;
    QLabel *m_subtitle;
    QPushButton *m_open;
    QScrollArea *m_scroll;
    QTableWidget *m_transactions = nullptr;
};

} // namespace tango
