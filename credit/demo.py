"""Demo finance and insurance, through the services: the demo bank's two loans (one the
"信用保险+保单融资" product of article (十七)), the demo insurer's three export credit insurance
products (政治险, 平台支付险, 海外仓销售险), each with a PDF document, and one application of
enterprise A to the policy-backed loan, reviewed and offered by the bank (the consent covers the
trade profile, recognitions and registry details for 180 days).

Idempotent: products are keyed by (partner, name), the application by (enterprise, product);
what exists is left alone. Call after the registry demo, which creates the users ``bank``,
``insurer`` and ``enterprise_a``.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from credit import services
from credit.models import CreditApplication, Product

DEMO_PDF = b"%PDF-1.4\n% demo product terms\n%%EOF\n"

LOANS = [
    {
        "name": "跨境电商信用贷",
        "amount_min": "100000",
        "amount_max": "3000000",
        "rate_min": "3.45",
        "rate_max": "4.80",
        "term_months": 12,
        "summary": "面向跨境电商小微企业的纯信用贷款，线上申请，随借随还。",
        "criteria": "近 12 个月海关放行的跨境电商出口额不低于 100 万元；无不良信用记录。",
    },
    {
        "name": "信用保险+保单融资",
        "amount_min": "200000",
        "amount_max": "5000000",
        "rate_min": "3.20",
        "rate_max": "4.20",
        "term_months": 6,
        "summary": "以出口信用保险保单项下的应收账款为保障的融资，低门槛、低利率。",
        "criteria": "已投保出口信用保险（政治险或平台支付险）；保单赔款权益转让给本行。",
    },
]
COVERS = [
    ("跨境电商出口政治险", "political", "0.30", "0.80"),
    ("平台支付险", "platform_payment", "0.20", "0.60"),
    ("海外仓销售险", "overseas_warehouse", "0.40", "1.20"),
]


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _document(partner: User, product: Product) -> None:
    if not product.documents.exists():
        upload = SimpleUploadedFile("terms.pdf", DEMO_PDF, content_type="application/pdf")
        services.document_add(actor=partner, product=product, title="产品条款", file=upload)


def load_demo() -> int:
    """Create what is missing; returns the number of rows created."""
    bank, insurer, enterprise = _user("bank"), _user("insurer"), _user("enterprise_a")
    created = 0
    products: dict[str, Product] = {}
    if bank is not None:
        for spec in LOANS:
            product = Product.objects.filter(partner=bank, name=spec["name"]).first()
            if product is None:
                product = services.product_save(actor=bank, **spec)  # type: ignore[arg-type]
                created += 1
            _document(bank, product)
            products[product.name] = product
    if insurer is not None:
        for name, line, low, high in COVERS:
            product = Product.objects.filter(partner=insurer, name=name).first()
            if product is None:
                product = services.product_save(
                    actor=insurer,
                    name=name,
                    insurance_line=line,
                    amount_min="50000",
                    amount_max="10000000",
                    rate_min=low,
                    rate_max=high,
                    term_months=12,
                    summary="出口信用保险，降低跨境电商出口收汇风险。",
                    criteria="在连云港注册的跨境电商企业；有海关放行的跨境电商出口记录。",
                )
                created += 1
            _document(insurer, product)
    loan = products.get("信用保险+保单融资")
    if bank is None or enterprise is None or loan is None or enterprise.enterprise_id is None:
        return created
    if CreditApplication.objects.filter(
        enterprise_id=enterprise.enterprise_id, product=loan
    ).exists():
        return created
    application = services.application_submit(
        actor=enterprise,
        product=loan,
        amount="800000",
        term_months=6,
        purpose="海外仓备货资金（演示数据）",
        scopes=["trade", "recognitions", "registry"],
        days=180,
    )
    application = services.application_transition(
        actor=bank, application=application, action="review"
    )
    services.application_transition(
        actor=bank,
        application=application,
        action="offer",
        offer_amount="800000",
        offer_rate="3.60",
        offer_term_months=6,
        note="演示方案",
    )
    return created + 1
