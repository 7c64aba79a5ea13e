"""What an organisation configures about its digests: privacy threshold and 90-day goals."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Goals:
    """The 90-day goals leadership sets; None where no goal is set."""

    hours: float | None = None
    staff_share: float | None = None  # 0.6: 60% of staff logged a win
    every_department: bool = False
    staff: int | None = None  # head count, for the share; else the people aiguide knows

    @classmethod
    def parse(cls, text: str, staff: int | None = None) -> Goals:
        """'hours=200, staff=60%, departments=all' (the AIGUIDE_DIGEST_GOALS setting)."""
        values: dict = {"staff": staff}
        for part in filter(None, (p.strip() for p in text.split(","))):
            key, _, value = part.partition("=")
            key, value = key.strip().lower(), value.strip().lower()
            if key == "hours":
                values["hours"] = float(value)
            elif key == "staff":
                share = float(value.rstrip("%"))
                # "60%", "60" and "0.6" all mean sixty per cent.
                values["staff_share"] = share / 100 if value.endswith("%") or share > 1 else share
            elif key == "departments" and value in ("all", "every", "yes", "true"):
                values["every_department"] = True
            else:
                raise ValueError(f"unknown goal {part!r}; use hours=200, staff=60%, departments=all")
        return cls(**values)


@dataclass(frozen=True)
class DigestSettings:
    min_group_size: int = 5
    goals: Goals = field(default_factory=Goals)
