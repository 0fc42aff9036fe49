"""Signing in and out, changing a password, and resetting a forgotten one by e-mail."""

import re

from django.contrib.auth import get_user
from django.core import mail
from django.urls import reverse

PASSWORD = "Passw0rd-Strong"  # what tests/factories.py gives every user


def test_a_user_signs_in_with_username_and_password_and_lands_on_the_home_page(client, institution_user):
    response = client.post(reverse("login"), {"username": institution_user.username, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("home")
    assert get_user(client) == institution_user


def test_a_wrong_password_shows_the_chinese_error_and_keeps_the_username(client, institution_user):
    response = client.post(reverse("login"), {"username": institution_user.username, "password": "wrong-Passw0rd"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "登录名或密码不正确。请注意区分大小写。" in html
    assert f'value="{institution_user.username}"' in html
    assert not get_user(client).is_authenticated


def test_a_deactivated_account_cannot_sign_in(client, recommender_user):
    recommender_user.is_active = False
    recommender_user.save()
    response = client.post(reverse("login"), {"username": recommender_user.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "登录名或密码不正确" in response.content.decode()
    assert not get_user(client).is_authenticated


def test_signing_in_returns_to_the_page_asked_for(client, province_user):
    target = reverse("applications:province_queue")
    response = client.post(
        reverse("login") + f"?next={target}", {"username": province_user.username, "password": PASSWORD, "next": target}
    )
    assert response.status_code == 302 and response.url == target


def test_signing_in_never_returns_to_another_site(client, province_user):
    response = client.post(
        reverse("login"),
        {"username": province_user.username, "password": PASSWORD, "next": "https://evil.example/phish"},
    )
    assert response.status_code == 302 and response.url == reverse("home")


def test_logging_out_is_a_post_and_a_get_changes_nothing(client_as, institution_user):
    client = client_as(institution_user)
    assert client.get(reverse("logout")).status_code == 405
    assert get_user(client) == institution_user

    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("home")
    assert not get_user(client).is_authenticated


def test_every_page_offers_logging_out_as_a_form_that_posts(client_as, institution_user):
    client = client_as(institution_user)
    html = client.get(reverse("home")).content.decode()
    assert re.search(rf'<form method="post" action="{reverse("logout")}"[^>]*>.*?csrfmiddlewaretoken', html, re.S)


def test_a_user_changes_the_password_and_signs_in_with_the_new_one(client_as, institution_user):
    client = client_as(institution_user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "N3w-Passw0rd-ok", "new_password2": "N3w-Passw0rd-ok"},
    )
    assert response.status_code == 302 and response.url == reverse("password_change_done")
    institution_user.refresh_from_db()
    assert institution_user.check_password("N3w-Passw0rd-ok")
    assert get_user(client) == institution_user  # still signed in after the change

    client.post(reverse("logout"))
    client.post(reverse("login"), {"username": institution_user.username, "password": "N3w-Passw0rd-ok"})
    assert get_user(client) == institution_user


def test_a_wrong_old_password_is_refused_in_chinese_and_nothing_changes(client_as, institution_user):
    client = client_as(institution_user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "not-it-1234", "new_password1": "N3w-Passw0rd-ok", "new_password2": "N3w-Passw0rd-ok"},
    )
    assert response.status_code == 200
    assert "原密码不正确，请重新输入。" in response.content.decode()
    institution_user.refresh_from_db()
    assert institution_user.check_password(PASSWORD)


def test_a_forgotten_password_is_reset_through_the_link_in_the_e_mail(client, recommender_user):
    response = client.post(reverse("password_reset"), {"email": recommender_user.email})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [recommender_user.email]
    assert recommender_user.username in message.body
    link = re.search(r"https?://[^/\s]+(/accounts/reset/[^/\s]+/[^/\s]+/)", message.body)
    assert link, message.body

    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(set_password_url, {"new_password1": "Res3t-Passw0rd", "new_password2": "Res3t-Passw0rd"})
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")

    recommender_user.refresh_from_db()
    assert recommender_user.check_password("Res3t-Passw0rd")
    # The link works once.
    assert "set-password" not in client.get(link.group(1)).get("Location", "")


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.cn"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert mail.outbox == []
