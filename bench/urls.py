from django.urls import path

from hellomod.urls import urlpatterns as product_urls

from .floor import FloorView
from .stock_admin import site as stock_admin

urlpatterns = [
    path("bench/floor/", FloorView.as_view(), name="bench-floor"),
    path("bench/stock-admin/", stock_admin.urls),
    *product_urls,
]
