"""A policy an administrator edits: one row (pk=1) of thresholds and limits, made with its seeded
defaults the first time it is read, so every setting is data and none is a constant in code."""

from typing import Self

from django.db import models


class OneRowPolicy(models.Model):
    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(self._meta.verbose_name)

    @classmethod
    def current(cls) -> Self:
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy
