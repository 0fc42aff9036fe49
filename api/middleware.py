"""The JSON API answers every error in JSON, a method it does not offer included: django-ninja answers that
one with Django's plain-text 405 before any of its handlers run, so this turns it into the API's JSON form."""

from django.http import JsonResponse

API_PREFIX = "/api/v1/"


class JsonMethodNotAllowedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            response.status_code == 405
            and request.path.startswith(API_PREFIX)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            allowed = response.get("Allow", "")
            answer = JsonResponse({"detail": f"此接口不支持{request.method}方法，可用的方法：{allowed}。"}, status=405)
            answer["Allow"] = allowed
            return answer
        return response
