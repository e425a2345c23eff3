from django.contrib.auth import views as auth_views
from django.urls import path

from . import account, audit_trail, jobs, payment_record, payments, person_register, uploads, views, worker_uploads
from .claims import death, officer, platform, search, suspensions, worker
from .platform import invoices as platform_invoices
from .platform import workers as platform_workers

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
    path("me/claims/", worker.my_claims, name="my_claims"),
    path("me/claims/new/", worker.claim_new, name="claim_new"),
    path("me/claims/<int:claim_id>/", worker.my_claim, name="my_claim"),
    path("officer/claims/", officer.officer_queue, name="officer_claims"),
    path("officer/claims/<int:claim_id>/", officer.officer_claim, name="officer_claim"),
    path("officer/claims/search/", search.claim_search_page, name="officer_claim_search"),
    path("officer/suspensions/", suspensions.suspension_queue, name="officer_suspensions"),
    path("officer/suspensions/<int:suspension_id>/", suspensions.suspension_detail, name="officer_suspension"),
    path("officer/persons/<int:person_id>/death-notice/", death.death_notice_page, name="officer_death_notice"),
    path("platform/claims/", platform.platform_claims, name="platform_claims"),
    path("officer/overview/", views.overview, name="overview"),
    path("officer/persons/", views.person_search, name="person_search"),
    path("officer/arrears/", views.officer_arrears, name="arrears"),
    path("officer/payments/", payments.officer_payments, name="officer_payments"),
    path("officer/payments/record/", payment_record.payment_record_page, name="payment_record"),
    path("officer/payments/bank-statement/", payment_record.bank_statement_page, name="bank_statement"),
    path("officer/jobs/", jobs.officer_jobs, name="officer_jobs"),
    path("officer/jobs/<int:job_id>/", jobs.officer_job, name="officer_job"),
    path("officer/persons/new/", person_register.person_register_page, name="person_register"),
    path("officer/persons/<int:person_id>/", views.person_detail, name="person_detail"),
    path("platform/orders/", uploads.platform_orders, name="platform_orders"),
    path("platform/orders/template/", uploads.platform_orders_template, name="platform_orders_template"),
    path("platform/codes/<str:kind>/", uploads.platform_code_list, name="platform_code_list"),
    path("platform/workers/upload/", worker_uploads.platform_workers_upload, name="platform_workers_upload"),
    path(
        "platform/workers/upload/template/",
        worker_uploads.platform_workers_template,
        name="platform_workers_template",
    ),
    path("platform/workers/upload/errors/", worker_uploads.platform_workers_errors, name="platform_workers_errors"),
    path("platform/orders/<int:batch_id>/errors/", uploads.platform_order_errors, name="platform_order_errors"),
    path("platform/invoices/", platform_invoices.platform_invoices, name="platform_invoices"),
    path("platform/workers/", platform_workers.platform_workers, name="platform_workers"),
    path("platform/workers/new/", platform_workers.worker_new, name="platform_worker_new"),
    path(
        "platform/engagements/<int:engagement_id>/end/",
        platform_workers.engagement_end,
        name="platform_engagement_end",
    ),
    path("platform/statement/", views.platform_statement_page, name="platform_statement"),
    path("audit/", audit_trail.audit_list, name="audit"),
    path("audit/export.csv", audit_trail.audit_export, name="audit_export"),
    path("supervisor/projections/", views.projections, name="projections"),
    path("healthz", views.healthz, name="healthz"),
]
