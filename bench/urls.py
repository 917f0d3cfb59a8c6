from django.urls import path

from bench.floor import FloorView
from bench.pages import bare_page
from bench.stock_admin import site as stock_admin
from hellomod.urls import urlpatterns as product_urls

urlpatterns = [
    path("bench/floor/", FloorView.as_view(), name="bench-floor"),
    path("moderation/bench/bare/", bare_page, name="bench-bare"),
    path("bench/stock-admin/", stock_admin.urls),
    *product_urls,
]
