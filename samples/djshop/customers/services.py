"""Sign-up, address book, favourites."""

from django.contrib.auth import get_user_model
from django.db import transaction

from .models import Address, Favourite


def register(email: str, password: str, first_name: str = "", last_name: str = ""):
    User = get_user_model()
    return User.objects.create_user(username=email.lower(), email=email.lower(),
                                    password=password, first_name=first_name,
                                    last_name=last_name)


@transaction.atomic
def add_address(customer, recipient: str, street: str, postal_code: str, city: str,
                country: str = "DE", is_default: bool = False) -> Address:
    if is_default:
        Address.objects.filter(customer=customer, is_default=True).update(is_default=False)
    return Address.objects.create(customer=customer, recipient=recipient, street=street,
                                  postal_code=postal_code, city=city, country=country,
                                  is_default=is_default)


def default_address(customer) -> Address | None:
    return Address.objects.filter(customer=customer, is_default=True).first()


def add_favourite(customer, product) -> bool:
    _, created = Favourite.objects.get_or_create(customer=customer, product=product)
    return created


def update_profile(customer, phone: str, marketing_opt_in: bool) -> None:
    customer.phone = phone
    customer.marketing_opt_in = marketing_opt_in
    customer.save(update_fields=["phone", "marketing_opt_in"])


def most_loyal(limit: int = 20):
    User = get_user_model()
    return list(User.objects.filter(is_active=True).order_by("-loyalty_points")[:limit])
