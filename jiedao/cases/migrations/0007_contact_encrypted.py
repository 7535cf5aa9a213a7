# Residents' contact data encrypted at rest (jiedao/privacy).

import jiedao.privacy.fields
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0006_public_updates_merge_rating'),
    ]

    operations = [
        migrations.AddField(
            model_name='case',
            name='reporter_email',
            field=jiedao.privacy.fields.EncryptedTextField(blank=True, default='', max_length=254, verbose_name='举报人邮箱'),
        ),
        migrations.AddField(
            model_name='caseevent',
            name='personal',
            field=jiedao.privacy.fields.EncryptedTextField(blank=True, default='', editable=False, verbose_name='个人信息'),
        ),
        migrations.AlterField(
            model_name='case',
            name='reporter_name',
            field=jiedao.privacy.fields.EncryptedTextField(blank=True, max_length=60, verbose_name='举报人姓名'),
        ),
        migrations.AlterField(
            model_name='case',
            name='reporter_phone',
            field=jiedao.privacy.fields.EncryptedTextField(blank=True, max_length=20, verbose_name='举报人电话'),
        ),
    ]
