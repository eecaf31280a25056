"""How big a borough to generate."""

from dataclasses import dataclass

BOROUGH_REFERRALS_PER_YEAR = 470  # the source report's MARAC referrals in a year


@dataclass(frozen=True)
class Size:
    name: str
    people: int  # everyone recorded, case people included
    referrals_per_year: int  # DA-MARAC referrals in each financial year
    batch_size: int  # people per bulk insert (one audit entry each)

    @property
    def activity_scale(self) -> float:
        """How much of a real borough's service activity to replay (1.0: the source reports')."""
        return self.referrals_per_year / BOROUGH_REFERRALS_PER_YEAR


SIZES: dict[str, Size] = {
    "tiny": Size("tiny", people=150, referrals_per_year=20, batch_size=500),
    "borough": Size("borough", people=20_000, referrals_per_year=470, batch_size=2_000),
    "large": Size("large", people=500_000, referrals_per_year=470, batch_size=5_000),
}
DEFAULT_SIZE = "borough"
DEFAULT_SEED = 2022
