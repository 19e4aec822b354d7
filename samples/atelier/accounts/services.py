from django.contrib.auth import get_user_model

from .models import ShippingAddress


def sign_up(username: str, email: str, newsletter: bool = False):
    Member = get_user_model()
    return Member.objects.create_user(username=username, email=email, newsletter=newsletter)


def add_address(member, line1: str, city: str, country: str) -> ShippingAddress:
    address = ShippingAddress(member=member, line1=line1, city=city, country=country)
    address.save()
    return address
