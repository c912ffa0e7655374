"""The report's page layout with reportlab platypus.

`builder.build_report_pdf(data, options)` turns the report data dict
(`lscp_audit.core.report_data`) into unsigned PDF bytes and says where it reserved the
signature boxes. The other modules hold the page template (protective marking, page numbers,
outline), paragraph styles, text helpers, the summary pages, the section pages and the chart.
"""
