#include "DetailPane.h"

#include "ContractsModel.h"

#include "api/ApiClient.h"
#include "api/ApiReply.h"
#include "contracts/ContractFields.h"

#include <QClipboard>
#include <QDate>
#include <QDesktopServices>
#include <QGridLayout>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHeaderView>
#include <QIcon>
#include <QJsonArray>
#include <QLabel>
#include <QLocale>
#include <QPainter>
#include <QPixmap>
#include <QPushButton>
#include <QScrollArea>
#include <QStackedWidget>
#include <QTableWidget>
#include <QToolButton>
#include <QUrlQuery>
#include <QVBoxLayout>

#include <algorithm>

namespace tango {

namespace {
const QString kMoneyLeaves[] = {QStringLiteral("total_contract_value"),
                                QStringLiteral("base_and_exercised_options_value"),
                                QStringLiteral("obligated")};
// Two overlapping sheets, drawn here because the icon theme may lack edit-copy and SVG
// support may not be installed.
QIcon copyIcon()
{
    QPixmap pix(32, 32);
    pix.fill(Qt::transparent);
    QPainter p(&pix);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(QColor(0x4a, 0x55, 0x68), 2.4));
    p.setBrush(Qt::white);
    p.drawRoundedRect(QRectF(11, 3, 17, 20), 3, 3);
    p.drawRoundedRect(QRectF(4, 9, 17, 20), 3, 3);
    return QIcon(pix);
}
} // namespace

QString DetailPane::detailShape()
{
    return QStringLiteral(
        "key,piid,description,award_date,fiscal_year,award_type(code,description),"
        "set_aside(code,description),solicitation_identifier,number_of_actions,"
        "total_contract_value,base_and_exercised_options_value,obligated,"
        "recipient(display_name,legal_business_name,uei,cage_code),"
        "awarding_office(office_code,office_name,agency_code,agency_name,department_name),"
        "funding_office(office_code,office_name,agency_code,agency_name,department_name),"
        "period_of_performance(start_date,current_end_date,ultimate_completion_date),"
        "place_of_performance(city_name,state_code,state_name,country_name,zip_code),"
        "naics(code,description),psc(code,description),"
        "competition(contract_type,extent_competed,number_of_offers_received,"
        "other_than_full_and_open_competition,solicitation_procedures),"
        "parent_award(key,piid),"
        "transactions(transaction_date,modification_number,action_type,description,obligated)");
}

QUrl DetailPane::usaspendingUrl(const QString &key)
{
    return QUrl(QStringLiteral("https://www.usaspending.gov/award/") +
                QString::fromLatin1(QUrl::toPercentEncoding(key)));
}

DetailPane::DetailPane(QWidget *parent)
    : QWidget(parent)
    , m_stack(new QStackedWidget(this))
    , m_placeholder(new QLabel(this))
    , m_title(new QLabel(this))
    , m_subtitle(new QLabel(this))
    , m_open(new QPushButton(tr("Open in &USAspending"), this))
    , m_scroll(new QScrollArea(this))
{
    setObjectName(QStringLiteral("detailPane"));
    setAccessibleName(tr("Contract details"));
    setMinimumWidth(280);

    m_placeholder->setObjectName(QStringLiteral("detailPlaceholder"));
    m_placeholder->setAccessibleName(tr("Contract details status"));
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setStyleSheet(QStringLiteral("QLabel { color: palette(mid); padding: 24px; }"));
    m_placeholder->setText(tr("Select a contract to see its details."));

    auto *page = new QWidget(this);
    auto *pageLayout = new QVBoxLayout(page);
    pageLayout->setContentsMargins(0, 0, 0, 0);
    m_title->setObjectName(QStringLiteral("detailTitle"));
    m_title->setAccessibleName(tr("Contract"));
    m_title->setWordWrap(true);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont f = m_title->font();
    f.setBold(true);
    f.setPointSizeF(f.pointSizeF() * 1.2);
    m_title->setFont(f);
    m_subtitle->setObjectName(QStringLiteral("detailSubtitle"));
    m_subtitle->setAccessibleName(tr("Contract key"));
    m_subtitle->setWordWrap(true);
    m_subtitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_subtitle->setStyleSheet(QStringLiteral("QLabel { color: palette(mid); }"));
    m_open->setObjectName(QStringLiteral("openInUsaspending"));
    m_open->setAccessibleName(tr("Open in USAspending"));
    m_open->setToolTip(tr("Opens this award on usaspending.gov in your browser"));
    connect(m_open, &QPushButton::clicked, this, [this] {
        if (!m_key.isEmpty())
            QDesktopServices::openUrl(usaspendingUrl(m_key));
    });
    auto *head = new QHBoxLayout;
    auto *titles = new QVBoxLayout;
    titles->addWidget(m_title);
    titles->addWidget(m_subtitle);
    head->addLayout(titles, 1);
    head->addWidget(m_open, 0, Qt::AlignTop);
    pageLayout->addLayout(head);
    m_scroll->setObjectName(QStringLiteral("detailScroll"));
    m_scroll->setAccessibleName(tr("Contract fields"));
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    pageLayout->addWidget(m_scroll, 1);

    m_stack->addWidget(m_placeholder);
    m_stack->addWidget(page);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_stack);
}

DetailPane::~DetailPane()
{
    abortReply();
}

void DetailPane::setClient(ApiClient *client)
{
    if (client == m_client)
        return;
    clear();
    m_client = client;
}

void DetailPane::abortReply()
{
    ++m_generation;
    if (m_reply) {
        ApiReply *r = m_reply;
        m_reply = nullptr;
        r->disconnect(this);
        r->abort();
    }
}

void DetailPane::clear()
{
    abortReply();
    m_key.clear();
    m_record = {};
    m_values.clear();
    m_placeholder->setText(tr("Select a contract to see its details."));
    m_stack->setCurrentWidget(m_placeholder);
}

void DetailPane::showContract(const QString &key)
{
    if (key.isEmpty()) {
        clear();
        return;
    }
    if (key == m_key && (m_reply || !m_record.isEmpty()))
        return;
    abortReply();
    m_key = key;
    m_record = {};
    m_placeholder->setText(tr("Loading contract %1…").arg(key));
    m_stack->setCurrentWidget(m_placeholder);
    if (!m_client)
        return;
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("shape"), detailShape());
    ApiReply *r = m_client->get(
        QStringLiteral("/api/contracts/%1/").arg(QString::fromLatin1(QUrl::toPercentEncoding(key))),
        q);
    m_reply = r;
    const quint64 gen = m_generation;
    connect(r, &ApiReply::succeeded, this, [this, gen](const QJsonObject &o) { onLoaded(gen, o); });
    connect(r, &ApiReply::failed, this, [this, gen](const ApiError &e) { onFailed(gen, e); });
    connect(r, &ApiReply::finished, r, &QObject::deleteLater);
    if (r->isFinished()) {
        if (r->error().isError())
            onFailed(gen, r->error());
        else
            onLoaded(gen, r->json());
    }
}

void DetailPane::retry()
{
    const QString key = m_key;
    m_key.clear();
    showContract(key);
}

void DetailPane::onLoaded(quint64 generation, const QJsonObject &record)
{
    if (generation != m_generation)
        return;
    m_reply = nullptr;
    m_record = record;
    buildContent();
    m_stack->setCurrentIndex(1);
    emit loaded(m_key);
}

void DetailPane::onFailed(quint64 generation, const ApiError &error)
{
    if (generation != m_generation || error.kind() == ApiError::Kind::Aborted)
        return;
    m_reply = nullptr;
    m_placeholder->setText(tr("Could not load contract %1: %2").arg(m_key, error.title()));
    emit failed(error);
}

QString DetailPane::formatValue(const QString &path, const QJsonValue &v, bool *isNull) const
{
    *isNull = ContractFields::isNull(v);
    if (*isNull)
        return QStringLiteral("\u2014");
    QLocale locale;
    const QString leaf = path.section(QLatin1Char('.'), -1);
    for (const QString &m : kMoneyLeaves) {
        if (leaf == m) {
            if (auto n = ContractFields::number(v))
                return ContractsModel::formatMoney(*n, 2);
        }
    }
    const QString text = ContractFields::text(v);
    if (leaf.endsWith(QLatin1String("date"))) {
        const QDate d = QDate::fromString(text.left(10), Qt::ISODate);
        if (d.isValid())
            return locale.toString(d, QLocale::LongFormat);
    }
    if (text.isEmpty()) {
        *isNull = true;
        return QStringLiteral("\u2014");
    }
    return text;
}

void DetailPane::addGroup(QVBoxLayout *into, const QString &title,
                          const QList<QPair<QString, QString>> &fields)
{
    auto *box = new QGroupBox(title);
    box->setAccessibleName(title);
    auto *grid = new QGridLayout(box);
    grid->setColumnStretch(1, 1);
    int row = 0;
    for (const auto &[path, label] : fields) {
        bool isNull = false;
        const QString value = formatValue(path, ContractFields::valueAt(m_record, path), &isNull);
        auto *name = new QLabel(label + QLatin1Char(':'), box);
        name->setAlignment(Qt::AlignRight | Qt::AlignTop);
        name->setWordWrap(true);
        name->setMaximumWidth(120);
        name->setStyleSheet(QStringLiteral("QLabel { color: palette(dark); }"));
        // Keys and codes have no spaces: allow breaks after '_' and '-' so the pane can stay
        // narrow (copying uses the unaltered value).
        QString shown = value;
        const bool money = !isNull &&
                           ContractFields::number(ContractFields::valueAt(m_record, path)) &&
                           std::any_of(std::begin(kMoneyLeaves), std::end(kMoneyLeaves),
                                       [&](const QString &m) { return path.endsWith(m); });
        if (!money && !shown.contains(QLatin1Char(' '))) {
            shown.replace(QLatin1Char('_'), QStringLiteral("_\u200B"));
            shown.replace(QLatin1Char('-'), QStringLiteral("-\u200B"));
        }
        auto *val = new QLabel(shown, box);
        val->setObjectName(QStringLiteral("detail_") + path);
        val->setAccessibleName(label);
        val->setWordWrap(!money);
        val->setTextFormat(Qt::PlainText);
        val->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
        if (isNull)
            val->setStyleSheet(QStringLiteral("QLabel { color: palette(mid); }"));
        auto *copy = new QToolButton(box);
        copy->setObjectName(QStringLiteral("copy_") + path);
        // A compact glyph keeps the value column wide in a narrow pane; the name is in the
        // tooltip and the accessible name.
        copy->setIcon(QIcon::fromTheme(QStringLiteral("edit-copy"), copyIcon()));
        copy->setText(tr("Copy"));
        copy->setToolButtonStyle(Qt::ToolButtonIconOnly);
        copy->setAutoRaise(true);
        copy->setAccessibleName(tr("Copy %1").arg(label));
        copy->setToolTip(tr("Copy %1 to the clipboard").arg(label));
        copy->setEnabled(!isNull);
        connect(copy, &QToolButton::clicked, this,
                [value] { QGuiApplication::clipboard()->setText(value); });
        grid->addWidget(name, row, 0);
        grid->addWidget(val, row, 1);
        grid->addWidget(copy, row, 2, Qt::AlignTop);
        m_values.insert(path, val);
        ++row;
    }
    into->addWidget(box);
}

void DetailPane::buildContent()
{
    m_values.clear();
    m_transactions = nullptr;
    const QString piid = ContractFields::text(m_record.value(QLatin1String("piid")));
    const QString who = ContractFields::text(
        ContractFields::valueAt(m_record, QStringLiteral("recipient.display_name")));
    m_title->setText(who.isEmpty() ? piid : tr("%1 — %2").arg(piid, who));
    QString breakableKey = m_key;
    breakableKey.replace(QLatin1Char('_'), QStringLiteral("_\u200B"));
    m_subtitle->setText(breakableKey);

    auto *content = new QWidget;
    auto *v = new QVBoxLayout(content);
    addGroup(v, tr("Award"),
             {{QStringLiteral("piid"), tr("PIID")},
              {QStringLiteral("key"), tr("Key")},
              {QStringLiteral("description"), tr("Description")},
              {QStringLiteral("award_type"), tr("Award type")},
              {QStringLiteral("award_date"), tr("Award date")},
              {QStringLiteral("fiscal_year"), tr("Fiscal year")},
              {QStringLiteral("parent_award.piid"), tr("Parent award (IDV)")},
              {QStringLiteral("solicitation_identifier"), tr("Solicitation")},
              {QStringLiteral("number_of_actions"), tr("Number of actions")}});
    addGroup(
        v, tr("Amounts"),
        {{QStringLiteral("total_contract_value"), tr("Total contract value")},
         {QStringLiteral("base_and_exercised_options_value"), tr("Base and exercised options")},
         {QStringLiteral("obligated"), tr("Obligated")}});
    addGroup(v, tr("Recipient"),
             {{QStringLiteral("recipient.display_name"), tr("Name")},
              {QStringLiteral("recipient.legal_business_name"), tr("Legal business name")},
              {QStringLiteral("recipient.uei"), tr("UEI")},
              {QStringLiteral("recipient.cage_code"), tr("CAGE code")}});
    addGroup(v, tr("Awarding office"),
             {{QStringLiteral("awarding_office.agency_name"), tr("Agency")},
              {QStringLiteral("awarding_office.department_name"), tr("Department")},
              {QStringLiteral("awarding_office.office_name"), tr("Office")},
              {QStringLiteral("awarding_office.office_code"), tr("Office code")}});
    addGroup(v, tr("Funding office"),
             {{QStringLiteral("funding_office.agency_name"), tr("Agency")},
              {QStringLiteral("funding_office.department_name"), tr("Department")},
              {QStringLiteral("funding_office.office_name"), tr("Office")},
              {QStringLiteral("funding_office.office_code"), tr("Office code")}});
    addGroup(v, tr("Period of performance"),
             {{QStringLiteral("period_of_performance.start_date"), tr("Start")},
              {QStringLiteral("period_of_performance.current_end_date"), tr("Current end")},
              {QStringLiteral("period_of_performance.ultimate_completion_date"),
               tr("Ultimate completion")}});
    addGroup(v, tr("Place of performance"),
             {{QStringLiteral("place_of_performance.city_name"), tr("City")},
              {QStringLiteral("place_of_performance.state_name"), tr("State")},
              {QStringLiteral("place_of_performance.country_name"), tr("Country")},
              {QStringLiteral("place_of_performance.zip_code"), tr("ZIP code")}});
    addGroup(v, tr("Classification"),
             {{QStringLiteral("naics"), tr("NAICS")},
              {QStringLiteral("psc"), tr("PSC")},
              {QStringLiteral("set_aside"), tr("Set-aside")}});
    addGroup(v, tr("Competition"),
             {{QStringLiteral("competition.extent_competed"), tr("Extent competed")},
              {QStringLiteral("competition.number_of_offers_received"), tr("Offers received")},
              {QStringLiteral("competition.solicitation_procedures"), tr("Procedures")},
              {QStringLiteral("competition.contract_type"), tr("Contract type")},
              {QStringLiteral("competition.other_than_full_and_open_competition"),
               tr("Other than full and open")}});

    const QJsonArray tx = m_record.value(QLatin1String("transactions")).toArray();
    auto *txBox = new QGroupBox(tr("Transactions (%1)").arg(tx.size()));
    txBox->setAccessibleName(tr("Transactions"));
    auto *txLayout = new QVBoxLayout(txBox);
    m_transactions = new QTableWidget(int(tx.size()), 5, txBox);
    m_transactions->setObjectName(QStringLiteral("detailTransactions"));
    m_transactions->setAccessibleName(tr("Transactions"));
    m_transactions->setHorizontalHeaderLabels(
        {tr("Date"), tr("Modification"), tr("Action"), tr("Obligated"), tr("Description")});
    m_transactions->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_transactions->verticalHeader()->hide();
    m_transactions->horizontalHeader()->setStretchLastSection(true);
    const char *txPaths[] = {"transaction_date", "modification_number", "action_type", "obligated",
                             "description"};
    for (int r = 0; r < tx.size(); ++r) {
        const QJsonObject t = tx.at(r).toObject();
        for (int c = 0; c < 5; ++c) {
            const QString p = QLatin1String(txPaths[c]);
            bool isNull = false;
            auto *item = new QTableWidgetItem(formatValue(p, t.value(p), &isNull));
            if (c == 3)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            item->setToolTip(item->text());
            m_transactions->setItem(r, c, item);
        }
    }
    m_transactions->resizeColumnsToContents();
    m_transactions->setMinimumHeight(qMin(260, 40 + 26 * int(tx.size())));
    txLayout->addWidget(m_transactions);
    v->addWidget(txBox);
    v->addStretch(1);
    m_scroll->setWidget(content); // deletes the previous contract's widgets
}

QString DetailPane::valueText(const QString &path) const
{
    const QLabel *l = m_values.value(path);
    return l ? l->text().remove(QChar(0x200B)) : QString();
}

int DetailPane::transactionCount() const
{
    return m_transactions ? m_transactions->rowCount() : 0;
}

} // namespace tango
