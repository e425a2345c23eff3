from django.contrib.auth import views as auth_views
from django.urls import path

from . import account, own, payments, provider, views, withholding
from .claims import officer, platform, worker

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("otp/enrol/", account.otp_enrol, name="otp_enrol"),
    path("otp/verify/", account.otp_verify, name="otp_verify"),
    path("officer/tokens/", account.tokens, name="tokens"),
    path("officer/tokens/<int:token_id>/rotate/", account.token_rotate_page, name="token_rotate"),
    path("officer/tokens/<int:token_id>/revoke/", account.token_revoke_page, name="token_revoke"),
    path("me/coverage/", views.my_coverage, name="my_coverage"),
    path("me/contributions/", views.my_contributions, name="my_contributions"),
    path("me/statement/", views.my_statement, name="my_statement"),
    path("me/pension-estimate/", views.my_pension_estimate, name="my_pension_estimate"),
    path("me/join/", own.my_join, name="my_join"),
    path("me/pay/", own.my_pay, name="my_pay"),
    path("me/payments/<str:reference>/", own.my_payment, name="my_payment"),
    path("me/withholding/", withholding.my_withholding, name="my_withholding"),
    path("me/withholding/<int:mandate_id>/end/", withholding.my_withholding_end, name="my_withholding_end"),
    path("pay/local/<str:reference>/", provider.local_provider, name="local_provider"),
    path("payments/<str:provider>/callback/", provider.provider_callback, name="provider_callback"),
    path("me/claims/", worker.my_claims, name="my_claims"),
    path("me/claims/new/", worker.claim_new, name="claim_new"),
    path("me/claims/<int:claim_id>/", worker.my_claim, name="my_claim"),
    path("officer/claims/", officer.officer_queue, name="officer_claims"),
    path("officer/claims/<int:claim_id>/", officer.officer_claim, name="officer_claim"),
    path("platform/claims/", platform.platform_claims, name="platform_claims"),
    path("officer/overview/", views.overview, name="overview"),
    path("officer/persons/", views.person_search, name="person_search"),
    path("officer/arrears/", views.officer_arrears, name="arrears"),
    path("officer/payments/", payments.officer_payments, name="officer_payments"),
    path("officer/persons/<int:person_id>/", views.person_detail, name="person_detail"),
    path("platform/orders/", views.platform_orders, name="platform_orders"),
    path("platform/invoices/", views.platform_invoices, name="platform_invoices"),
    path("platform/statement/", views.platform_statement_page, name="platform_statement"),
    path("platform/orders/<int:batch_id>/errors.csv", views.platform_order_errors, name="platform_order_errors"),
    path("audit/", views.audit_list, name="audit"),
    path("supervisor/projections/", views.projections, name="projections"),
    path("healthz", views.healthz, name="healthz"),
]
