from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.views.generic import TemplateView

from . import services


class ProfileView(LoginRequiredMixin, TemplateView):
    template_name = "customers/profile.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["address"] = services.default_address(self.request.user)
        context["addresses"] = self.request.user.addresses.all()
        return context


@login_required
def add_address(request):
    if request.method == "POST":
        data = request.POST
        services.add_address(request.user, data["recipient"], data["street"],
                             data["postal_code"], data["city"], data.get("country", "DE"),
                             is_default=data.get("is_default") == "on")
        return redirect("customers:profile")
    return render(request, "customers/address_form.html")


def sign_up(request):
    if request.method == "POST":
        services.register(request.POST["email"], request.POST["password"],
                          request.POST.get("first_name", ""), request.POST.get("last_name", ""))
        return redirect("login")
    return render(request, "customers/sign_up.html")
