"""referral-cli: safe referrals and agency vetting for youth survivors of exploitation."""

__version__ = "0.1.0"
