"""What the duties register (jiedao/duties) says about an asset or a zone: the maintenance and
cleaning plans that apply and when the next one is due. Until that app is installed, nothing is due
here and the pages say so."""


def maintenance_due(*, asset) -> list:
    return []


def cleaning_due(*, zone) -> list:
    return []
