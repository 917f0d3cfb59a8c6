from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("second-factor/", views.second_factor, name="second-factor"),
    path("second-factor/set-up/", views.set_up, name="second-factor-set-up"),
    path("second-factor/recovery-codes/", views.recovery_codes, name="recovery-codes"),
]
