#pragma once
// The typed results of the analyses as output tables: the one place that names the
// output fields, shared by the commands and the report.

#include "analysis/affected.hpp"
#include "analysis/proximity.hpp"
#include "layers/output.hpp"

namespace fergana::tools {

/// One point per incident with its proximities (`fergana proximity`).
layers::OutputTable proximity_table(const layers::Dataset& data, const analysis::ProximityResult& result);
/// One point per settlement in reach (`fergana affected`).
layers::OutputTable affected_table(const layers::Dataset& data, const analysis::AffectedResult& result);
/// One point per incident with the settlements and population in its reach.
layers::OutputTable affected_per_incident_table(const layers::Dataset& data, const analysis::AffectedResult& result);

}  // namespace fergana::tools
