"""Names across scripts, the blocking keys, idempotence (hypothesis) and vectorised-vs-scalar agreement."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.normalise.errors import InvalidNameError
from ingest.normalise.names import (
    compact_variant_key,
    name_key,
    name_keys,
    name_similarity,
    normalise_name,
    normalise_names,
    variant_key,
)

# value, surname_first, latin, method
CASES = [
    ("Müller", False, "MUELLER", "icao9303-latin"),
    ("José  María", False, "JOSE MARIA", "icao9303-latin"),
    ("Søren Ærø", False, "SOEREN AEROE", "icao9303-latin"),
    ("Straße", False, "STRASSE", "icao9303-latin"),
    ("O'Neill-Smith", False, "ONEILL SMITH", "icao9303-latin"),
    ("d'Arcy", False, "DARCY", "icao9303-latin"),
    ("Łukasz Wałęsa", False, "LUKASZ WALESA", "icao9303-latin"),
    ("Nguyễn Văn Hùng", False, "NGUYEN VAN HUNG", "icao9303-latin"),
    ("ERIKSSON<<ANNA<MARIA", False, "ERIKSSON ANNA MARIA", "icao9303-latin"),
    ("Юрий", False, "IURII", "icao9303-cyrillic"),
    ("Щукин", False, "SHCHUKIN", "icao9303-cyrillic"),
    ("Юлия Соловьёва", False, "IULIIA SOLOVEVA", "icao9303-cyrillic"),
    ("Хабибулин Объедков", False, "KHABIBULIN OBIEEDKOV", "icao9303-cyrillic"),
    ("Петро Гнатюк", False, "PETRO GNATIUK", "icao9303-cyrillic"),
    ("Παπαδοπούλου", False, "PAPADOPOULOU", "elot743"),
    ("Ευάγγελος", False, "EVANGELOS", "elot743"),
    ("张伟", True, "ZHANG WEI", "pinyin"),
    ("张小明", True, "ZHANG XIAOMING", "pinyin"),
    ("欧阳修", True, "OUYANG XIU", "pinyin"),
    ("曾国藩", True, "ZENG GUOFAN", "pinyin"),
    ("吕", False, "LYU", "pinyin"),
    ("陳大文", True, "CHEN DAWEN", "pinyin"),
    ("김민준", True, "KIM MINJUN", "hangul-rr"),
    ("이서연", True, "LEE SEOYEON", "hangul-rr"),
    ("남궁민수", True, "NAMGOONG MINSU", "hangul-rr"),
    ("محمد", False, "MHMD", "anyascii"),
]


@pytest.mark.parametrize(("value", "surname_first", "latin", "method"), CASES, ids=[c[0] for c in CASES])
def test_names_across_scripts(value: str, surname_first: bool, latin: str, method: str) -> None:
    n = normalise_name(value, surname_first=surname_first)
    assert n is not None
    assert (n.latin, n.method) == (latin, method)
    assert (n.native is None) == (method == "icao9303-latin")


def test_native_form_is_kept() -> None:
    n = normalise_name(" 张小明 ", surname_first=True)
    assert n is not None and n.native == "张小明" and n.script == "pinyin"


@pytest.mark.parametrize("value", ["", "   ", None])
def test_missing_is_none(value: str | None) -> None:
    assert normalise_name(value) is None


@pytest.mark.parametrize("value", ["---", "123", "'."])
def test_no_letters_is_rejected_with_the_rule(value: str) -> None:
    with pytest.raises(InvalidNameError) as info:
        normalise_name(value, field="surname")
    assert info.value.rule == "name-empty" and info.value.field == "surname" and info.value.value == value


# pairs that must share a variant key (surname, given) x 2
VARIANTS = [
    (("ZHANG", "WEI"), ("CHANG", "WEI")),
    (("ZHANG", "WEI"), ("CHEUNG", "WAI")),
    (("WANG", "FANG"), ("WONG", "FONG")),
    (("XU", "LI"), ("HSU", "LEE")),
    (("IVANOV", "IURII"), ("IVANOV", "YURIY")),
    (("SOLOVEV", "EVGENII"), ("SOLOVYOV", "YEVGENIY")),
    (("ALI", "MOHAMMED"), ("ALY", "MUHAMMAD")),
    (("AL-HARBI", "AHMED"), ("ALHARBI", "AHMAD")),
    (("SATO", "YOKO"), ("SATOH", "YOUKO")),
    (("KIM", "MINJUN"), ("GIM", "MINJUN")),
    (("JUNG", "HOSEOK"), ("JEONG", "HOSEOK")),
    (("LYU", "NA"), ("LV", "NA")),
    (("KHALED", "OMAR"), ("OMAR", "KHALID")),
    (("ALEKSANDROV", "ALEKSANDR"), ("ALEXANDROV", "ALEXANDR")),
    (("Юрий", "Иванов"), ("IVANOV", "YURIY")),
    (("محمد", ""), ("MOHAMMED", "")),
]


@pytest.mark.parametrize(("a", "b"), VARIANTS, ids=[f"{a[0]}/{b[0]}" for a, b in VARIANTS])
def test_variant_keys_meet(a: tuple[str, str], b: tuple[str, str]) -> None:
    assert variant_key(*a) == variant_key(*b)


def test_different_names_stay_apart() -> None:
    assert variant_key("SMITH", "JOHN") != variant_key("JONES", "MARY")
    assert name_key("IVANOV", "PETR") == name_key("PETR", "IVANOV")


def test_compact_key_meets_split_given_names() -> None:
    assert compact_variant_key("ZHANG", "XIAO MING") == compact_variant_key("CHANG", "HSIAOMING")
    assert name_key("VAN DER BERG", "JAN") == name_key("BERG", "JAN")


def test_similarity_ranks_variants_above_strangers() -> None:
    assert name_similarity("YURIY IVANOV", "IURII IVANOV") > name_similarity("YURIY IVANOV", "PETR SIDOROV")
    assert name_similarity("ANNA", "ANNA") == 1.0
    assert name_similarity("", "ANNA") == 0.0


_SCRIPTS = st.text(
    alphabet=st.sampled_from(list("abcxyzÄÖÜßéñ '-.<АБВЮЯЩЁйъь张伟小明김민준Παπαδό")), min_size=1, max_size=20
)


@given(_SCRIPTS)
def test_normalisation_is_idempotent(value: str) -> None:
    try:
        once = normalise_name(value)
    except InvalidNameError:
        return
    if once is None:
        return
    twice = normalise_name(once.latin)
    assert twice is not None and twice.latin == once.latin
    assert once.latin == " ".join(once.latin.split()) and once.latin.replace(" ", "").isalpha()


def test_vectorised_agrees_with_scalar() -> None:
    values = [c[0] for c in CASES if not c[1]] + ["", None, "---", "Müller"]
    df = normalise_names(pd.Series(values))
    for value, row in zip(values, df.to_dict("records"), strict=True):
        try:
            n = normalise_name(value)
        except InvalidNameError as err:
            assert row["latin"] is None and row["error"] == str(err)
            continue
        assert row["latin"] == (n.latin if n else None)
        assert row["native"] == (n.native if n else None)
        assert row["error"] is None
    table = normalise_names(pa.array(values))
    assert isinstance(table, pa.Table) and table.column("latin").to_pylist() == df["latin"].tolist()


def test_name_keys_vectorised_agrees() -> None:
    s = pd.Series(["ZHANG", "Юрий", "ZHANG"])
    g = pd.Series(["XIAO MING", "Иванов", "XIAO MING"])
    df = name_keys(s, g)
    for i in range(3):
        assert df.iloc[i]["variant_key"] == variant_key(s[i], g[i])
        assert df.iloc[i]["name_key"] == name_key(s[i], g[i])
