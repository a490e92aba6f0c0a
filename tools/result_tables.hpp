#pragma once
// The typed results of the analyses as output tables: the one place that names the
// output fields, shared by the commands and the report.

#include "analysis/affected.hpp"
#include "analysis/disputed.hpp"
#include "analysis/enclaves.hpp"
#include "analysis/proximity.hpp"
#include "layers/output.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace fergana::tools {

/// Whether a field of a table will be written (--select); empty: every field. A table may
/// leave a costly field that will not be written NULL.
using FieldWanted = std::function<bool(std::string_view field)>;

/// One point per incident with its proximities (`fergana proximity`): the columns of the
/// quantities measured (default: all). Fields not wanted are left NULL.
layers::OutputTable proximity_table(const layers::Dataset& data, const analysis::ProximityResult& result,
                                    const analysis::ProximityMeasures& measure = {}, const FieldWanted& wanted = {});
/// The incident fields (canonical names, as LoadOptions::incident_fields_unused) that none of
/// the wanted fields of proximity_table reads: `type` feeds `type` and `marker-color`,
/// `fatalities` feeds `marker-size`, `precision_m` feeds it and the distance bounds; the other
/// details never reach the table. The id, date and position are always read.
std::vector<std::string> incident_fields_unused_by_proximity(const FieldWanted& wanted);
/// The same for affected_table, whose analysis also reads the types for --radius-by-type
/// (`by_type`): the dates feed `first_date` and `last_date` only.
std::vector<std::string> incident_fields_unused_by_affected(const FieldWanted& wanted, bool by_type);

/// One point per settlement in reach (`fergana affected`). The incident_ids lists (at 1e6
/// incidents, 1.7 million ids) are made only when wanted.
layers::OutputTable affected_table(const layers::Dataset& data, const analysis::AffectedResult& result,
                                   const FieldWanted& wanted = {});
/// One point per incident with the settlements and population in its reach.
layers::OutputTable affected_per_incident_table(const layers::Dataset& data, const analysis::AffectedResult& result);

/// One line per disputed stretch and claimant (`fergana disputed`).
layers::OutputTable disputed_stretch_table(const analysis::DisputedResult& result);
/// One polygon per zone between two claimants' lines.
layers::OutputTable disputed_zone_table(const analysis::DisputedInput& in, const analysis::DisputedResult& result);
/// The borders in force whose status is disputed, delimited or unknown.
layers::OutputTable border_status_table(const analysis::DisputedInput& in, const analysis::DisputedResult& result);
/// One polygon per detected enclave, exclave or counter-enclave (`fergana enclaves`).
layers::OutputTable enclave_table(const analysis::EnclaveInput& in, const analysis::EnclaveResult& result);

}  // namespace fergana::tools
