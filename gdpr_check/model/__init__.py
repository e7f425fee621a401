"""Pydantic models of everything the tool reads: policy, inventory, rules, waivers."""
from .inventory import Flow, Inventory, Principal, Processor, System
from .policy import Policy
from .rule import Rule, Waiver

__all__ = ["Flow", "Inventory", "Policy", "Principal", "Processor", "Rule", "System", "Waiver"]
