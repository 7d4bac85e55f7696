"""Batch upload of an employee's own records from an .xlsx template, one per 我的外部学习 tab (DOMAIN.md, Batch upload).

`columns` says what each tab's sheet holds; `workbook` writes the template and the workbook handed back with
the bad cells marked; `parse` reads and checks an upload with the single-record form's rules
(`ledger.validation`); `services` stages a batch and commits it in one transaction.
"""
