"""The choices of the poverty data (housing, assets, people, presence) and the field lists."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# ---------------------------------------------------------------------------- choices


class FamilyStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")


class InactiveReason(models.TextChoices):
    MOVED = "moved", _("Moved away")
    ALL_DIED = "all_died", _("All members died")
    DUPLICATE = "duplicate", _("Duplicate")
    NOT_FOUND = "not_found", _("Not found")


class FloorType(models.TextChoices):
    CERAMIC = "ceramic", _("Ceramic, marble or granite")
    CEMENT = "cement", _("Cement or brick")
    WOOD = "wood", _("Wood or board")
    BAMBOO = "bamboo", _("Bamboo")
    EARTH = "earth", _("Earth")
    OTHER = "other", _("Other")


class WallType(models.TextChoices):
    MASONRY = "masonry", _("Brick or concrete")
    WOOD = "wood", _("Wood or board")
    BAMBOO = "bamboo", _("Bamboo or woven bamboo")
    OTHER = "other", _("Other")


class RoofType(models.TextChoices):
    TILE = "tile", _("Concrete or tile")
    METAL = "metal", _("Zinc or metal sheet")
    ASBESTOS = "asbestos", _("Asbestos")
    SHINGLE = "shingle", _("Wood shingle (sirap)")
    THATCH = "thatch", _("Thatch or leaves")
    OTHER = "other", _("Other")


class DrinkingWater(models.TextChoices):
    BOTTLED = "bottled", _("Bottled or refill water")
    PIPED = "piped", _("Piped water")
    PROTECTED = "protected", _("Protected well or spring")
    UNPROTECTED = "unprotected", _("Unprotected well or spring")
    SURFACE = "surface", _("River, lake or rain water")
    OTHER = "other", _("Other")


class Lighting(models.TextChoices):
    PLN_METER = "pln_meter", _("PLN electricity with meter")
    PLN_NO_METER = "pln_no_meter", _("PLN electricity without meter")
    NON_PLN = "non_pln", _("Non-PLN electricity")
    NONE = "none", _("No electricity")


class CookingFuel(models.TextChoices):
    ELECTRIC_GAS = "electric_gas", _("Electricity or piped gas")
    LPG_LARGE = "lpg_large", _("LPG 5.5 kg or more")
    LPG_3KG = "lpg_3kg", _("LPG 3 kg")
    KEROSENE = "kerosene", _("Kerosene")
    WOOD = "wood", _("Firewood or charcoal")
    NONE = "none", _("Does not cook")


class Toilet(models.TextChoices):
    OWN_SEPTIC = "own_septic", _("Own, with septic tank")
    OWN_NO_SEPTIC = "own_no_septic", _("Own, without septic tank")
    SHARED = "shared", _("Shared or public")
    NONE = "none", _("None")


class Ownership(models.TextChoices):
    OWN = "own", _("Own")
    RENT = "rent", _("Rented")
    RENT_FREE = "rent_free", _("Rent-free")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    MALE = "L", _("Male")
    FEMALE = "P", _("Female")


class Relationship(models.TextChoices):
    HEAD = "head", _("Head of family")
    SPOUSE = "spouse", _("Wife or husband")
    CHILD = "child", _("Child")
    CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")
    GRANDCHILD = "grandchild", _("Grandchild")
    PARENT = "parent", _("Parent or parent-in-law")
    OTHER = "other", _("Other relative or household member")


class MaritalStatus(models.TextChoices):
    SINGLE = "single", _("Not married")
    MARRIED = "married", _("Married")
    DIVORCED = "divorced", _("Divorced")
    WIDOWED = "widowed", _("Widowed")


class Education(models.TextChoices):
    NONE = "none", _("No schooling")
    SD = "sd", _("Primary school (SD)")
    SMP = "smp", _("Junior secondary (SMP)")
    SMA = "sma", _("Senior secondary (SMA/SMK)")
    DIPLOMA = "diploma", _("Diploma (D1-D3)")
    BACHELOR = "bachelor", _("Bachelor (D4/S1)")
    POSTGRADUATE = "postgraduate", _("Postgraduate (S2/S3)")


class Disability(models.TextChoices):
    NONE = "none", _("None")
    PHYSICAL = "physical", _("Physical")
    SENSORY = "sensory", _("Sensory (sight, hearing, speech)")
    INTELLECTUAL = "intellectual", _("Intellectual")
    MENTAL = "mental", _("Mental")
    MULTIPLE = "multiple", _("Multiple")


class ChronicIllness(models.TextChoices):
    NONE = "none", _("None")
    HYPERTENSION = "hypertension", _("Hypertension")
    DIABETES = "diabetes", _("Diabetes")
    HEART = "heart", _("Heart disease")
    TUBERCULOSIS = "tuberculosis", _("Tuberculosis")
    CANCER = "cancer", _("Cancer")
    OTHER = "other", _("Other")


class Presence(models.TextChoices):
    HERE = "here", _("Lives here")
    DIED = "died", _("Died")
    MOVED = "moved", _("Moved within Indonesia")
    ABROAD = "abroad", _("Moved abroad")
    NEW = "new", _("New member")
    NOT_FOUND = "not_found", _("Not found")


# A member who is present counts for duplicate-NIK checks and statistics.
PRESENT = (Presence.HERE, Presence.NEW)

# The fields a submission may correct, in form order. Everything else is bookkeeping.
FAMILY_FIELDS = (
    "no_kk",
    "dusun",
    "rt",
    "rw",
    "street",
    "desil",
    "floor_type",
    "wall_type",
    "roof_type",
    "drinking_water",
    "lighting",
    "cooking_fuel",
    "toilet",
    "land_ownership",
    "house_ownership",
    "has_motorcycle",
    "has_car",
    "has_refrigerator",
    "has_air_conditioner",
    "has_smartphone",
    "receives_pkh",
    "receives_sembako",
    "receives_pbi_jk",
    "receives_blt_dana_desa",
    "other_assistance",
)
MEMBER_FIELDS = (
    "nik",
    "name",
    "sex",
    "birth_place",
    "birth_date",
    "relationship",
    "marital_status",
    "education",
    "occupation",
    "disability",
    "chronic_illness",
    "presence",
)
ASSISTANCE_FIELDS = ("receives_pkh", "receives_sembako", "receives_pbi_jk", "receives_blt_dana_desa")
IDENTITY_FIELDS = ("nik", "no_kk")


def present_q(prefix: str = "") -> Q:
    return Q(**{f"{prefix}presence__in": PRESENT})
