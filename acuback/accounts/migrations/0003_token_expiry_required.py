# Every token expires: its own migration, so that on PostgreSQL the ALTER TABLE runs in another
# transaction than the UPDATE of the old tokens (0002).

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_invitations_credentials_token_expiry'),
    ]

    operations = [
        migrations.AlterField(
            model_name='apitoken',
            name='expires_at',
            field=models.DateTimeField(),
        ),
    ]
