"""Admin for users and API tokens. Saves go through accounts.services so they are audited."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    UserChangeForm,
    UserCreationForm,
    UsernameField,
)
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import ApiToken, LoginFailure, User

# The admin in the platform's name and in the user's language (LanguageMiddleware picks it;
# Django's own admin strings ship in Chinese).
admin.site.site_header = _("点点通 · 平台管理后台")
admin.site.site_title = _("点点通管理后台")
admin.site.index_title = _("系统管理")

# Who is setting a password in the admin (the form API gives the form no request).
_password_actor: ContextVar[User | None] = ContextVar("ddt_admin_password_actor", default=None)

PROFILE_FIELDS = (
    "role",
    "enterprise",
    "county",
    "partner_kind",
    "logistics_code",
    "organisation",
    "phone",
)


class _BindingCheckMixin:
    """Shows role / binding mistakes on the form instead of failing on save."""

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean()  # type: ignore[misc]
        try:
            services.user_binding_check(
                role=data.get("role", ""),
                enterprise=data.get("enterprise"),
                county=data.get("county"),
                partner_kind=data.get("partner_kind", "") if data.get("role") == "partner" else "",
                logistics_code=data.get("logistics_code", "") or "",
            )
        except ValidationError as exc:
            self.add_error(None, exc)  # type: ignore[attr-defined]
        return data


class UserAddForm(_BindingCheckMixin, UserCreationForm):
    class Meta:
        model = User
        fields = ("username", *PROFILE_FIELDS)
        field_classes = {"username": UsernameField}


class UserEditForm(_BindingCheckMixin, UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"
        field_classes = {"username": UsernameField}


class AuditedPasswordChangeForm(AdminPasswordChangeForm):
    def save(self, commit: bool = True) -> Any:
        return services.user_set_password(
            actor=_password_actor.get(),
            user=self.user,
            password=self.cleaned_data["password1"],
            validate=False,  # validated by the form
        )


def _messages_of(exc: ValidationError | PermissionDenied) -> list[str]:
    return list(exc.messages) if isinstance(exc, ValidationError) else [str(exc)]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserAddForm
    change_password_form = AuditedPasswordChangeForm
    list_display = (
        "username",
        "first_name",
        "role",
        "enterprise",
        "county",
        "partner_kind",
        "is_active",
    )
    list_filter = ("role", "county", "partner_kind", "is_active")
    search_fields = ("username", "first_name", "email", "enterprise__name", "organisation")
    list_select_related = ("enterprise", "county")
    readonly_fields = (
        "is_staff",
        "is_superuser",
        "must_change_password",
        "last_login",
        "date_joined",
    )
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("角色与归属"), {"fields": PROFILE_FIELDS}),
        (_("个人信息"), {"fields": ("first_name", "last_name", "email")}),
        (
            _("状态"),
            {
                "fields": (
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "must_change_password",
                    "last_login",
                    "date_joined",
                )
            },
        ),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (_("角色与归属"), {"classes": ("wide",), "fields": PROFILE_FIELDS}),
    )

    actions = ["reset_password"]

    @admin.action(description=_("重置密码（生成一次性密码，用户下次登录须修改）"))
    def reset_password(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        """Reset one user's password to a one-time password shown once to the administrator
        (to hand over by phone or in person); audited, never stored in clear."""
        actor = request.user if isinstance(request.user, User) else None
        if actor is None or queryset.count() != 1:
            self.message_user(request, _("请只选择一个用户。"), level=messages.ERROR)
            return
        user = queryset.get()
        try:
            password = services.user_reset_password(actor=actor, user=user)
        except (ValidationError, PermissionDenied) as exc:
            self.message_user(request, " ".join(_messages_of(exc)), level=messages.ERROR)
            return
        self.message_user(
            request,
            _(
                "已重置用户“%(u)s”的密码。一次性密码：%(p)s（只显示这一次，请当面或电话告知本人；"
                "用户登录后须立即设置新密码）"
            )
            % {"u": user.get_username(), "p": password},
            level=messages.WARNING,
        )

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        actor = request.user if isinstance(request.user, User) else None
        token = _password_actor.set(actor)
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _password_actor.reset(token)

    def save_model(self, request: HttpRequest, obj: User, form: ModelForm, change: bool) -> None:
        actor = request.user if isinstance(request.user, User) else None
        data = form.cleaned_data
        if not change:
            created = services.user_create(
                actor=actor,
                username=data["username"],
                password=data["password1"],
                role=data["role"],
                enterprise=data.get("enterprise"),
                county=data.get("county"),
                partner_kind=data.get("partner_kind", ""),
                organisation=data.get("organisation", ""),
                logistics_code=data.get("logistics_code", "") or "",
                phone=data.get("phone", ""),
                validate=False,  # the add form validated the password
            )
            # The admin goes on with ``obj`` (related saves, redirect): make it the saved row.
            obj.pk = created.pk
            obj.password = created.password
            obj._state.adding = False
            obj._state.db = created._state.db
            return
        changes = {
            name: data[name]
            for name in form.changed_data
            if name in services.USER_EDITABLE_FIELDS and name in data
        }
        if changes:
            services.user_update(actor=actor, user=obj, changes=changes)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Users stay for the audit trail: deactivate instead of deleting.
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "user",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("scope", "revoked_at")
    search_fields = ("name", "user__username", "prefix")
    readonly_fields = (
        "user",
        "name",
        "prefix",
        "scope",
        "created_at",
        "expires_at",
        "last_used_at",
        "revoked_at",
    )
    exclude = ("digest",)
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created by the owner on the tokens page or with ``ddt accounts token``

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        actor = request.user if isinstance(request.user, User) else None
        for token in queryset:
            services.api_token_revoke(actor=actor, token=token)
        self.message_user(request, _("已吊销 %(n)d 个令牌。") % {"n": queryset.count()})


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ("username", "client_ip", "at")
    search_fields = ("username", "client_ip")
    readonly_fields = ("username", "client_ip", "at")
    actions = ["unlock"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=_("解除所选用户名的登录锁定"))
    def unlock(self, request: HttpRequest, queryset: QuerySet[LoginFailure]) -> None:
        actor = request.user if isinstance(request.user, User) else None
        names = sorted(set(queryset.values_list("username", flat=True)))
        for name in names:
            services.login_unlock(actor=actor, username=name)
        self.message_user(request, _("已解除 %(n)d 个用户名的锁定。") % {"n": len(names)})
