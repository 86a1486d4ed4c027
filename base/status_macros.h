// Early-return helpers for Status and StatusOr. Nothing else lives here.
#pragma once

#include "base/status.h"

#define CDS_STATUS_CONCAT_INNER_(a, b) a##b
#define CDS_STATUS_CONCAT_(a, b) CDS_STATUS_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function if `expr` is not OK.
#define CDS_RETURN_IF_ERROR(expr)              \
  do {                                         \
    ::cds::Status cds_status_ = (expr);        \
    if (!cds_status_.ok()) return cds_status_; \
  } while (0)

// `lhs = value of expr`, or returns its Status from the enclosing function.
#define CDS_ASSIGN_OR_RETURN(lhs, expr) \
  CDS_ASSIGN_OR_RETURN_IMPL_(CDS_STATUS_CONCAT_(cds_statusor_, __LINE__), lhs, expr)

#define CDS_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                               \
  if (!tmp.ok()) return std::move(tmp).status();   \
  lhs = std::move(tmp).value()
