"""Identifiers and addresses with the right shape that cannot belong to anyone real.

NHS numbers are drawn from the 999 range, which NHS England never issues (it is kept for test
data), and carry a valid modulus-11 check digit. Postcodes use the area "NB", which is not a UK
postcode area.
"""

import random
from datetime import date

from casebridge.demo.names import Pools
from casebridge.people.services import AddressDetails

TEST_NHS_PREFIX = "999"
NHS_BODY_SPACE = 1_000_000  # the six digits after the 999 prefix
POSTCODE_AREA = "NB"
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters Royal Mail uses in the inward code
TOWN = "Northbridge"


def nhs_check_digit(nine_digits: str) -> int | None:
    """The modulus-11 check digit of an NHS number, or None when no valid number has this stem."""
    total = sum(
        int(digit) * weight for digit, weight in zip(nine_digits, range(10, 1, -1), strict=True)
    )
    check = 11 - total % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def nhs_number_is_valid(number: str) -> bool:
    return len(number) == 10 and number.isdigit() and nhs_check_digit(number[:9]) == int(number[9])


class IdentifierAllocator:
    """Hands out unique NHS numbers and local police references, in a seeded order."""

    def __init__(self, rng: random.Random) -> None:
        # An affine map modulo 10^6 with a multiplier coprime to 10 visits every body exactly once,
        # in an order that looks random: unique numbers without remembering the ones given out.
        self._multiplier = rng.randrange(100_001, NHS_BODY_SPACE, 2)
        while self._multiplier % 5 == 0:
            self._multiplier += 2
        self._offset = rng.randrange(NHS_BODY_SPACE)
        self._nhs_index = 0
        self._police_next = rng.randrange(100_000, 900_000)

    def nhs_number(self) -> str:
        while self._nhs_index < NHS_BODY_SPACE:
            body = (self._multiplier * self._nhs_index + self._offset) % NHS_BODY_SPACE
            self._nhs_index += 1
            stem = f"{TEST_NHS_PREFIX}{body:06d}"
            check = nhs_check_digit(stem)
            if check is not None:
                return f"{stem}{check}"
        raise RuntimeError("The NHS test number range is used up.")

    def police_reference(self) -> str:
        self._police_next += 1
        return f"NBP/{self._police_next:07d}"


def postcode(rng: random.Random) -> str:
    unit = "".join(rng.choice(POSTCODE_UNIT_LETTERS) for _ in range(2))
    return f"{POSTCODE_AREA}{rng.randint(1, 14)} {rng.randint(0, 9)}{unit}"


def home_address(
    rng: random.Random, pools: Pools, *, valid_from: date, confidential: bool = False
) -> AddressDetails:
    street = f"{rng.choice(pools.streets)} {rng.choice(pools.street_kinds)}"
    if rng.random() < 0.3:
        block = f"{rng.choice(pools.streets)} {rng.choice(pools.blocks)}"
        line_1, line_2 = f"Flat {rng.randint(1, 60)}, {block}", street
    else:
        line_1, line_2 = f"{rng.randint(1, 240)} {street}", rng.choice(pools.neighbourhoods)
    return AddressDetails(
        line_1=line_1,
        line_2=line_2,
        town=TOWN,
        postcode=postcode(rng),
        valid_from=valid_from,
        is_confidential=confidential,
    )


def refuge_address(rng: random.Random, *, valid_from: date) -> AddressDetails:
    """A refuge's address: recorded, but only the entitled may see it."""
    return AddressDetails(
        line_1=f"Refuge room {rng.randint(1, 12)}",
        line_2="Confidential refuge address",
        town=TOWN,
        postcode=postcode(rng),
        valid_from=valid_from,
        is_confidential=True,
    )
