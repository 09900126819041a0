from django.urls import path

from acuback.accounts import staff_views, token_views, views

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/", token_views.account, name="account"),
    path("account/tokens/<int:token_id>/revoke/", token_views.token_revoke, name="token_revoke"),
    path("staff/tokens/", token_views.token_list, name="token_list"),
    path("account/password/", views.password_change_view, name="password_change"),
    path("account/forgot/", views.password_forgot_view, name="password_forgot"),
    path("account/link/<str:uidb64>/<str:token>/", views.account_link_view, name="account_link"),
    path("staff/", staff_views.staff_list, name="staff_list"),
    path("staff/invite/", staff_views.staff_invite, name="staff_invite"),
    path("staff/<int:user_id>/", staff_views.staff_detail, name="staff_detail"),
    path("staff/<int:user_id>/role/", staff_views.staff_role, name="staff_role"),
    path("staff/<int:user_id>/active/", staff_views.staff_active, name="staff_active"),
    path("staff/<int:user_id>/link/", staff_views.staff_link, name="staff_link"),
    path("staff/<int:user_id>/credentials/", staff_views.staff_credentials,
         name="staff_credentials"),
    path("session/keepalive", views.session_keepalive, name="session_keepalive"),
    path("session/status", views.session_status, name="session_status"),
]
