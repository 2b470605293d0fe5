"""The Redis key layout of the alert service, in one place.

{p}figure:{figure_key}     string  JSON of the Figure but its corroborations (current value, counts,
                                   reporters, bounded history); a record written before the lists: all of it
{p}corroborations:{figure_key}
                           list    Corroboration JSON of the figure's current value, bounded
                                   (`rules.Limits`): the first, then the latest in order
{p}figures                 set     every tracked figure key
{p}values:{family}         hash    figure key -> ConflictingValue JSON (its current value) of every
                                   figure sharing subject/metric/unit/period (conflict check)
{p}applied                 set     claim ids already applied (idempotency)
{p}feed                    stream  the change feed: one entry per alert, fields `alert` = Alert JSON,
                                   `alert_id` and `figure_key` (the last absent in entries before 1dd5b76)
{p}subscriptions           hash    subscription id -> Subscription JSON (secret included)
{p}silences                hash    silence id -> Silence JSON
{p}delivered               set     "{subscription_id}:{alert_id}" of webhook deliveries that succeeded
{p}deadletter              stream  webhook deliveries that failed after the last try
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PREFIX = "claimwatch:"


@dataclass(frozen=True)
class Keys:
    prefix: str = DEFAULT_PREFIX

    def figure(self, figure_key: str) -> str:
        return f"{self.prefix}figure:{figure_key}"

    def corroborations(self, figure_key: str) -> str:
        return f"{self.prefix}corroborations:{figure_key}"

    def family_values(self, family: str) -> str:
        return f"{self.prefix}values:{family}"

    @property
    def figures(self) -> str:
        return f"{self.prefix}figures"

    @property
    def applied(self) -> str:
        return f"{self.prefix}applied"

    @property
    def feed(self) -> str:
        return f"{self.prefix}feed"

    @property
    def subscriptions(self) -> str:
        return f"{self.prefix}subscriptions"

    @property
    def silences(self) -> str:
        return f"{self.prefix}silences"

    @property
    def delivered(self) -> str:
        return f"{self.prefix}delivered"

    @property
    def deadletter(self) -> str:
        return f"{self.prefix}deadletter"
