#include "FilterPanel.h"

#include "contracts/ContractQuery.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace tango {

namespace {
const QString kAwardType = QStringLiteral("award_type");
}

QStringList FilterPanel::filterNames()
{
    return {QStringLiteral("awarding_agency"),
            QStringLiteral("naics"),
            QStringLiteral("psc"),
            QStringLiteral("set_aside"),
            kAwardType,
            QStringLiteral("fiscal_year_gte"),
            QStringLiteral("fiscal_year_lte"),
            QStringLiteral("award_date_gte"),
            QStringLiteral("award_date_lte"),
            QStringLiteral("obligated_gte"),
            QStringLiteral("obligated_lte"),
            QStringLiteral("recipient"),
            QStringLiteral("uei"),
            QStringLiteral("piid")};
}

FilterPanel::FilterPanel(QWidget *parent)
    : QWidget(parent)
    , m_awardType(new QComboBox(this))
    , m_errors(new QLabel(this))
{
    setObjectName(QStringLiteral("filterPanel"));
    setAccessibleName(tr("Filters"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);

    auto *heading = new QLabel(tr("<b>Filters</b>"), this);
    heading->setAccessibleName(tr("Filters"));
    layout->addWidget(heading);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    addLine(form, QStringLiteral("awarding_agency"), tr("Awarding &agency"),
            tr("code, name or abbreviation"),
            tr("Matched loosely by the server; separate several with |"));
    addLine(form, QStringLiteral("recipient"), tr("&Recipient"), tr("vendor name"),
            tr("Recipient (vendor) name search"));
    addLine(form, QStringLiteral("uei"), tr("&UEI"), tr("12 characters"),
            tr("Recipient's Unique Entity ID, exact"));
    addLine(form, QStringLiteral("piid"), tr("&PIID"), tr("contract number"),
            tr("Procurement Instrument Identifier, case-insensitive"));
    addLine(form, QStringLiteral("naics"), tr("&NAICS"), tr("e.g. 541511|541512"),
            tr("NAICS industry codes; separate several with |"));
    addLine(form, QStringLiteral("psc"), tr("P&SC"), tr("e.g. D302"),
            tr("Product/Service Codes; separate several with |"));
    addLine(form, QStringLiteral("set_aside"), tr("Set-&aside"), tr("e.g. SBA|8A"),
            tr("Set-aside codes; separate several with |"));

    m_awardType->setObjectName(QStringLiteral("filter_award_type"));
    m_awardType->setAccessibleName(tr("Award type"));
    m_awardType->addItem(tr("Any"), QString());
    m_awardType->addItem(tr("A — BPA call"), QStringLiteral("A"));
    m_awardType->addItem(tr("B — Purchase order"), QStringLiteral("B"));
    m_awardType->addItem(tr("C — Delivery order"), QStringLiteral("C"));
    m_awardType->addItem(tr("D — Definitive contract"), QStringLiteral("D"));
    auto *typeLabel = new QLabel(tr("Award &type"), this);
    typeLabel->setBuddy(m_awardType);
    form->addRow(typeLabel, m_awardType);

    QLineEdit *second = nullptr;
    addRange(form, QStringLiteral("fiscal_year_gte"), QStringLiteral("fiscal_year_lte"),
             tr("&Fiscal year"), tr("YYYY"), &second);
    addRange(form, QStringLiteral("award_date_gte"), QStringLiteral("award_date_lte"),
             tr("Award &date"), tr("YYYY-MM-DD"), &second);
    addRange(form, QStringLiteral("obligated_gte"), QStringLiteral("obligated_lte"),
             tr("&Obligated ($)"), tr("amount"), &second);
    layout->addLayout(form);

    m_errors->setObjectName(QStringLiteral("filterErrors"));
    m_errors->setAccessibleName(tr("Filter problems"));
    m_errors->setWordWrap(true);
    m_errors->setStyleSheet(QStringLiteral("QLabel { color: #8a1020; background: #fde7e9; border: "
                                           "1px solid #e8a0a8; padding: 4px; }"));
    m_errors->hide();
    layout->addWidget(m_errors);

    auto *buttons = new QHBoxLayout;
    auto *apply = new QPushButton(tr("Appl&y filters"), this);
    apply->setObjectName(QStringLiteral("applyFilters"));
    apply->setAccessibleName(tr("Apply filters"));
    apply->setDefault(true);
    auto *clearButton = new QPushButton(tr("C&lear filters"), this);
    clearButton->setObjectName(QStringLiteral("clearFilters"));
    clearButton->setAccessibleName(tr("Clear filters"));
    buttons->addWidget(apply);
    buttons->addWidget(clearButton);
    layout->addLayout(buttons);
    layout->addStretch(1);

    connect(apply, &QPushButton::clicked, this, &FilterPanel::applyRequested);
    connect(clearButton, &QPushButton::clicked, this, [this] {
        clear();
        emit clearRequested();
    });
    connect(m_awardType, &QComboBox::activated, this, &FilterPanel::applyRequested);
}

QLineEdit *FilterPanel::addLine(QFormLayout *form, const QString &name, const QString &label,
                                const QString &placeholder, const QString &help)
{
    auto *edit = new QLineEdit(this);
    edit->setObjectName(QStringLiteral("filter_") + name);
    edit->setPlaceholderText(placeholder);
    edit->setToolTip(help);
    edit->setClearButtonEnabled(true);
    QString plain = label;
    plain.remove(QLatin1Char('&'));
    edit->setAccessibleName(plain);
    edit->setAccessibleDescription(help);
    connect(edit, &QLineEdit::returnPressed, this, &FilterPanel::applyRequested);
    auto *l = new QLabel(label, this);
    l->setBuddy(edit);
    form->addRow(l, edit);
    m_lines.insert(name, edit);
    return edit;
}

QLineEdit *FilterPanel::addRange(QFormLayout *form, const QString &from, const QString &to,
                                 const QString &label, const QString &placeholder,
                                 QLineEdit **second)
{
    QString plain = label;
    plain.remove(QLatin1Char('&'));
    auto *row = new QWidget(this);
    auto *h = new QHBoxLayout(row);
    h->setContentsMargins(0, 0, 0, 0);
    QLineEdit *edits[2];
    const QString names[2] = {from, to};
    for (int i = 0; i < 2; ++i) {
        auto *edit = new QLineEdit(row);
        edit->setObjectName(QStringLiteral("filter_") + names[i]);
        edit->setPlaceholderText(i == 0 ? tr("from %1").arg(placeholder)
                                        : tr("to %1").arg(placeholder));
        edit->setAccessibleName(i == 0 ? tr("%1 from").arg(plain) : tr("%1 to").arg(plain));
        edit->setClearButtonEnabled(true);
        connect(edit, &QLineEdit::returnPressed, this, &FilterPanel::applyRequested);
        m_lines.insert(names[i], edit);
        edits[i] = edit;
    }
    auto *dash = new QLabel(QStringLiteral("–"), row);
    dash->setAccessibleName(tr("to"));
    h->addWidget(edits[0], 1);
    h->addWidget(dash);
    h->addWidget(edits[1], 1);
    auto *l = new QLabel(label, this);
    l->setBuddy(edits[0]);
    form->addRow(l, row);
    *second = edits[1];
    return edits[0];
}

QMap<QString, QString> FilterPanel::filters() const
{
    QMap<QString, QString> out;
    for (auto it = m_lines.cbegin(); it != m_lines.cend(); ++it) {
        const QString v = it.value()->text().trimmed();
        if (!v.isEmpty())
            out.insert(it.key(), v);
    }
    const QString type = m_awardType->currentData().toString();
    if (!type.isEmpty())
        out.insert(kAwardType, type);
    return out;
}

void FilterPanel::setFilters(const QMap<QString, QString> &filters)
{
    for (auto it = m_lines.cbegin(); it != m_lines.cend(); ++it)
        it.value()->setText(filters.value(it.key()));
    const QString type = filters.value(kAwardType).toUpper();
    const int idx = m_awardType->findData(type);
    m_awardType->setCurrentIndex(idx >= 0 ? idx : 0);
}

void FilterPanel::applyTo(ContractQuery &query) const
{
    const QMap<QString, QString> f = filters();
    for (const QString &name : filterNames())
        query.setFilter(name, f.value(name));
}

void FilterPanel::clear()
{
    for (QLineEdit *e : std::as_const(m_lines))
        e->clear();
    m_awardType->setCurrentIndex(0);
    setErrors({});
}

void FilterPanel::setErrors(const QStringList &messages)
{
    if (messages.isEmpty()) {
        m_errors->clear();
        m_errors->hide();
        return;
    }
    m_errors->setText(tr("Not sent — please fix:") + QLatin1Char('\n') + QStringLiteral("• ") +
                      messages.join(QStringLiteral("\n• ")));
    m_errors->show();
}

QString FilterPanel::errorText() const
{
    return m_errors->text();
}

bool FilterPanel::hasErrors() const
{
    return !m_errors->text().isEmpty();
}

QWidget *FilterPanel::editor(const QString &filterName) const
{
    if (filterName == kAwardType)
        return m_awardType;
    return m_lines.value(filterName);
}

} // namespace tango
