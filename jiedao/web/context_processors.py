from django.conf import settings


def site(request):
    return {"site_name": settings.JIEDAO_SITE_NAME}
