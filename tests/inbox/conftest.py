from tests.sponsors.conftest import mailed_org

__all__ = ["mailed_org"]
