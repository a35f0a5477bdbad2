from __future__ import annotations

from django.contrib.auth import views as auth_views

from .forms import LoginForm


class PortalLoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True
