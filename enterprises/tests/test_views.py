from __future__ import annotations

from django.test import Client
from django.urls import reverse

from accounts.models import User
from enterprises.models import Enterprise, Recognition
from enterprises.tests.conftest import login_client
from enterprises.validators import uscc_check_char

FIRST17 = "91320722MA1XYW000"


def _form(**overrides) -> dict[str, str]:
    data = {
        "uscc": FIRST17 + uscc_check_char(FIRST17),
        "name": "东海晶品跨境电商有限公司",
        "county": "",
        "kind": "manufacturer",
        "username": "jingpin",
        "password1": "Quartz-Crystal-2026",
        "password2": "Quartz-Crystal-2026",
        "contact_name": "王五",
        "privacy_consent": "on",
    }
    data.update(overrides)
    return data


def test_registration_wrong_check_char_then_right(counties) -> None:
    client = Client()
    url = reverse("enterprises:register")
    good = FIRST17 + uscc_check_char(FIRST17)
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    response = client.post(url, _form(uscc=wrong, county=counties["donghai"].pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "校验码错误：第18位应为" in html
    assert 'id="id_uscc_error"' in html and 'aria-invalid="true"' in html
    assert Enterprise.objects.count() == 0 and User.objects.count() == 0

    response = client.post(url, _form(uscc=good, county=counties["donghai"].pk), follow=True)
    assert response.redirect_chain[-1][0] == reverse("enterprises:mine")
    enterprise = Enterprise.objects.get()
    assert enterprise.status == "pending"
    assert response.context["user"].username == "jingpin"
    assert "企业注册成功" in response.content.decode()
    assert "档案完整度" in response.content.decode()


def test_registration_duplicate_uscc_or_username_not_revealed(world) -> None:
    """Both clashes get one generic message and a path forward; nothing is created."""
    user_a_name = world.user_a.username
    fresh_uscc = "91320722MA1XYW111"
    fresh_uscc += uscc_check_char(fresh_uscc)
    pages = []
    for data in (
        _form(uscc=world.a.uscc, county=world.counties["donghai"].pk, username="dup"),
        _form(uscc=fresh_uscc, county=world.counties["donghai"].pk, username=user_a_name),
    ):
        response = Client().post(reverse("enterprises:register"), data)
        assert response.status_code == 200
        html = response.content.decode()
        assert "无法完成注册，请检查信息或联系县区商务部门。" in html
        assert 'data-testid="registration-help"' in html and reverse("accounts:login") in html
        assert "已登记" not in html and "已被使用" not in html
        pages.append(response.context["form"].errors)
    assert pages[0] == pages[1]  # the same answer for a taken USCC and a taken user name
    assert not User.objects.filter(username="dup").exists()
    assert Enterprise.objects.count() == 2 and User.objects.count() == 8


def test_registration_password_mismatch(counties) -> None:
    response = Client().post(
        reverse("enterprises:register"),
        _form(county=counties["donghai"].pk, password2="Other-Pass-2026"),
    )
    assert "两次输入的密码不一致" in response.content.decode()
    assert Enterprise.objects.count() == 0


def test_mine_for_enterprise_and_redirect_for_officer(world) -> None:
    response = login_client(world.user_a).get(reverse("enterprises:mine"))
    assert response.status_code == 200
    assert world.a.name in response.content.decode() and "尚未填写" in response.content.decode()
    response = login_client(world.reviewer).get(reverse("enterprises:mine"))
    assert response.status_code == 302 and response["Location"] == reverse("enterprises:list")


def test_list_forbidden_for_enterprise_and_partner(world) -> None:
    for user in (world.user_a, world.partner):
        assert login_client(user).get(reverse("enterprises:list")).status_code == 403
        assert login_client(user).get(reverse("enterprises:export")).status_code == 403
    assert Client().get(reverse("enterprises:list")).status_code == 302


def test_officer_filters_and_search(world, make_enterprise) -> None:
    make_enterprise("丙平台公司", "ganyu", kind="platform")
    client = login_client(world.reviewer)
    html = client.get(reverse("enterprises:list"), {"kind": "platform"}).content.decode()
    assert "丙平台公司" in html and world.a.name not in html and world.b.name not in html
    html = client.get(reverse("enterprises:list"), {"q": "水晶"}).content.decode()
    assert world.a.name in html and world.b.name not in html
    html = client.get(reverse("enterprises:list"), {"county": "320707"}).content.decode()
    assert world.b.name in html and world.a.name not in html
    # A bad filter value is ignored, not an error page.
    assert client.get(reverse("enterprises:list"), {"kind": "nonsense"}).status_code == 200
    # htmx requests get the results fragment only.
    response = client.get(
        reverse("enterprises:list"), {"q": "水晶"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="results"
    )
    assert response.content.decode().lstrip().startswith('<section id="results"')


def test_pagination_25_per_page(world, make_enterprise) -> None:
    for i in range(28):
        make_enterprise(f"分页企业{i:02d}", "donghai")
    client = login_client(world.donghai_officer)
    first = client.get(reverse("enterprises:list"))
    assert first.context["total"] == 29  # 28 + enterprise A of 东海
    assert len(first.context["page_obj"].object_list) == 25
    second = client.get(reverse("enterprises:list"), {"page": 2})
    assert len(second.context["page_obj"].object_list) == 4
    assert "第 2 / 2 页" in second.content.decode()


def test_county_officer_sees_only_own_county(world) -> None:
    client = login_client(world.donghai_officer)
    html = client.get(reverse("enterprises:list")).content.decode()
    assert world.a.name in html and world.b.name not in html
    assert client.get(reverse("enterprises:detail", args=[world.b.pk])).status_code == 404
    assert client.get(reverse("enterprises:detail", args=[world.a.pk])).status_code == 200


def test_enterprise_a_cannot_read_or_change_b(world) -> None:
    client = login_client(world.user_a)
    assert client.get(reverse("enterprises:detail", args=[world.b.pk])).status_code == 404
    assert client.get(reverse("enterprises:edit", args=[world.b.pk])).status_code == 404
    response = client.post(
        reverse("enterprises:edit", args=[world.b.pk]), {"contact_name": "入侵者", "kind": "trader"}
    )
    assert response.status_code == 404
    fresh = Enterprise.objects.get(pk=world.b.pk)
    assert fresh.contact_name == "" and fresh.kind == "manufacturer"


def test_enterprise_edits_own_profile_without_status_field(world) -> None:
    client = login_client(world.user_a)
    form = client.get(reverse("enterprises:edit", args=[world.a.pk])).context["form"]
    assert "status" not in form.fields and "uscc" not in form.fields and "county" not in form.fields
    response = client.post(
        reverse("enterprises:edit", args=[world.a.pk]),
        {
            "kind": "trader",
            "contact_name": "赵六",
            "contact_phone": "0518-9",
            "status": "suspended",
        },
    )
    assert response.status_code == 302
    fresh = Enterprise.objects.get(pk=world.a.pk)
    assert fresh.contact_name == "赵六" and fresh.status == "active"
    assert fresh.kind == "manufacturer"  # a request to the county, not in force yet
    assert fresh.change_requests.get().new_value == "trader"
    response = client.post(
        reverse("enterprises:edit", args=[world.a.pk]), {"kind": "trader", "customs_code": "12"}
    )
    assert "长度应为10位" in response.content.decode()
    assert Enterprise.objects.get(pk=world.a.pk).customs_code == ""


def test_finance_officer_cannot_edit(world) -> None:
    client = login_client(world.finance)
    assert client.get(reverse("enterprises:detail", args=[world.a.pk])).status_code == 200
    response = client.post(reverse("enterprises:edit", args=[world.a.pk]), {"contact_name": "x"})
    assert response.status_code == 403
    assert Enterprise.objects.get(pk=world.a.pk).contact_name == ""


def test_recognition_add_and_remove_on_detail(world) -> None:
    url = reverse("enterprises:recognition_add", args=[world.a.pk])
    data = {"type": "benchmark", "level": "municipal", "year": 2025, "note": ""}
    assert login_client(world.donghai_officer).post(url, data).status_code == 403
    assert Recognition.objects.count() == 0
    client = login_client(world.reviewer)
    assert client.post(url, data).status_code == 302
    recognition = Recognition.objects.get()
    html = client.get(reverse("enterprises:detail", args=[world.a.pk])).content.decode()
    assert "标杆跨境电商企业名单" in html
    assert client.post(url, data).status_code == 400  # duplicate
    remove = reverse("enterprises:recognition_remove", args=[world.a.pk, recognition.pk])
    assert login_client(world.user_a).post(remove).status_code == 403
    assert Recognition.objects.filter(pk=recognition.pk).exists()
    assert client.post(remove).status_code == 302
    assert not Recognition.objects.exists()


def test_county_officer_filter_offers_only_own_county(world) -> None:
    client = login_client(world.donghai_officer)
    response = client.get(reverse("enterprises:list"))
    county_field = response.context["form"].fields["county"]
    assert [c.code for c in county_field.queryset] == ["320722"]
    # Asking for another county by URL shows nothing of it.
    page = client.get(reverse("enterprises:list"), {"county": "320707"}).content.decode()
    assert world.b.name not in page
    assert world.a.name in page  # an invalid filter value is ignored, the scope stays


def test_city_reviewer_manages_the_brand_pool_recognition(world) -> None:
    """重点品牌企业培育库 (brand_pool, issue 16) is offered, added and removed like the others,
    in Chinese and in English; a county officer may not add it and nothing changes."""
    from django.conf import settings

    detail = reverse("enterprises:detail", args=[world.a.pk])
    client = login_client(world.reviewer)
    page = client.get(detail).content.decode()
    assert '<option value="brand_pool">重点品牌企业培育库</option>' in page
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(detail).content.decode()
    assert '<option value="brand_pool">Key brand enterprise pool</option>' in english
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    url = reverse("enterprises:recognition_add", args=[world.a.pk])
    data = {"type": "brand_pool", "level": "", "year": 2025, "note": "第一批"}
    assert login_client(world.donghai_officer).post(url, data).status_code == 403
    assert not Recognition.objects.exists()
    assert client.post(url, data).status_code == 302
    recognition = Recognition.objects.get()
    assert (recognition.type, recognition.level, recognition.year) == ("brand_pool", "", 2025)
    assert "重点品牌企业培育库" in client.get(detail).content.decode()
    remove = reverse("enterprises:recognition_remove", args=[world.a.pk, recognition.pk])
    assert login_client(world.donghai_officer).post(remove).status_code == 403
    assert Recognition.objects.filter(pk=recognition.pk).exists()
    assert client.post(remove).status_code == 302
    assert not Recognition.objects.exists()
