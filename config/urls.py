"""Top-level URLs: one namespaced include per app, plus login and the admin."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from assessments.views.home import home_view
from assessments.views.notes import verify_view
from clinic.admin_scoping import view_on_site_view
from clinic.views import (
    PasswordChangePageView,
    second_factor_setup_view,
    second_factor_verify_view,
    session_status_view,
)

from .views import favicon_view, ping_view

# The admin's navigation sidebar took 280 px of every list, cutting a 1280 px
# screen's billing list off; its index and breadcrumbs lead everywhere it did.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("", home_view, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        PasswordChangePageView.as_view(),
        name="password-change",
    ),
    path("accounts/session/", session_status_view, name="session-status"),
    path(
        "accounts/second-factor/",
        second_factor_verify_view,
        name="second-factor-verify",
    ),
    path(
        "accounts/second-factor/setup/",
        second_factor_setup_view,
        name="second-factor-setup",
    ),
    # The admin's own password change checks the old password where django-axes
    # cannot count it; its link leads to the throttled page instead.
    path(
        "admin/password_change/",
        RedirectView.as_view(pattern_name="password-change"),
    ),
    # Before the admin's own: its "view on site" redirect, kept to the clinic.
    path(
        "admin/r/<path:content_type_id>/<path:object_id>/",
        view_on_site_view,
        name="view-on-site",
    ),
    path("admin/", admin.site.urls),
    path("verify/", verify_view, name="verify"),
    path("ping/", ping_view, name="ping"),
    path("favicon.ico", favicon_view, name="favicon"),
    path("", include("assessments.urls", namespace="assessments")),
]

if settings.DEBUG:
    from django.views import defaults as default_views

    urlpatterns += [
        path("400/", default_views.bad_request, kwargs={"exception": Exception()}),
        path(
            "403/", default_views.permission_denied, kwargs={"exception": Exception()}
        ),
        path("404/", default_views.page_not_found, kwargs={"exception": Exception()}),
        path("500/", default_views.server_error),
    ]
