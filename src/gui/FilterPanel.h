#pragma once

#include <QMap>
#include <QWidget>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;

namespace tango {

class ContractQuery;

// The list filters of /api/contracts/ (REFERENCE §5.2) as a form. It only edits values; the
// main window validates the resulting query (ContractQuery::validate) before anything is sent
// and shows the messages here.
class FilterPanel : public QWidget
{
    Q_OBJECT
public:
    explicit FilterPanel(QWidget *parent = nullptr);

    // Filter name -> value, only the non-empty ones.
    QMap<QString, QString> filters() const;
    void setFilters(const QMap<QString, QString> &filters);
    // Replaces every filter this panel knows in `query` with the panel's values.
    void applyTo(ContractQuery &query) const;
    // The filter names this panel edits.
    static QStringList filterNames();

    void setErrors(const QStringList &messages);
    QString errorText() const;
    bool hasErrors() const;

    // The editor of one filter (QLineEdit or QComboBox), for tests and focus handling.
    QWidget *editor(const QString &filterName) const;

public Q_SLOTS:
    void clear();

Q_SIGNALS:
    void applyRequested();
    void clearRequested();

private:
    QLineEdit *addLine(QFormLayout *form, const QString &name, const QString &label,
                       const QString &placeholder, const QString &help);
    QLineEdit *addRange(QFormLayout *form, const QString &from, const QString &to,
                        const QString &label, const QString &placeholder, QLineEdit **second);

    QMap<QString, QLineEdit *> m_lines;
    QComboBox *m_awardType;
    QLabel *m_errors;
};

} // namespace tango
