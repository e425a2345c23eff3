from django.urls import include, path

from socsec.api.app import api
from socsec.api.partner_token import PartnerTokenView

urlpatterns = [
    path("oauth/token/", PartnerTokenView.as_view(), name="oauth_token"),  # the partner API's tokens
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("socsec.web.urls")),
]

handler403 = "socsec.api.middleware.permission_denied"
handler404 = "socsec.api.middleware.page_not_found"
handler500 = "socsec.api.middleware.server_error"
