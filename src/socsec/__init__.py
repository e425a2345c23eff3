"""SocSec: social security for workers in new forms of employment."""

__version__ = "0.1.0"
