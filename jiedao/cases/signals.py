"""The one hook the case loop offers to registers that keep their own record of a case (an
asset's state follows its repair case: jiedao/assets).

`case_transitioned` is sent by `services._Transition.record` right after a transition's event is
written, inside the transition's transaction: a receiver's writes commit or roll back with the
transition, so the case's history and theirs never disagree. A receiver must therefore be quick,
write only to the database, and raise only when the transition itself must not stand.
Arguments: `case` (the locked, updated case), `event` (the CaseEvent just written)."""

from django.dispatch import Signal

case_transitioned = Signal()
