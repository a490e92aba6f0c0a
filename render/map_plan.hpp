#pragma once
// What a map shows, before any drawing: the extent, the panels (one, or one per year
// or month), which features each panel draws, the resolved incident symbols, the
// legend of what is drawn, the title and the attribution. The Cairo renderer and the
// HTML writer both draw a MapPlan, so the two maps agree.
//
//   render::MapOptions options;                  // defaults below
//   options.filter.from = layers::parse_date("2022-01-01");
//   render::MapPlan plan = render::plan_map(data, options, style, std::nullopt);

#include "analysis/selection.hpp"
#include "layers/dataset.hpp"
#include "render/map_projection.hpp"
#include "render/style.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace fergana::render {

enum class Period { None, Year, Month };
enum class ColourBy { Type, Date };

/// Disputed stretches (lines) and zones (polygons) drawn hatched over the borders: the
/// hook for the output of a disputed-segment analysis (analysis/disputed.hpp). Borders
/// whose status is `disputed` or `unknown` are drawn dashed whether or not this is given.
struct DisputedOverlay {
    std::vector<geo::Path> stretches;
    std::vector<geo::Polygon> zones;
    std::string label = "Disputed stretch";  // legend text for the stretches
    std::string zone_label = "Disputed zone";
    std::string source;  // for the attribution, e.g. "fergana disputed"

    [[nodiscard]] bool empty() const noexcept { return stretches.empty() && zones.empty(); }
};

struct MapOptions {
    /// The map's extent. nullopt (default): the selected incidents and the enclaves in
    /// force, padded by 8 % (at least 5 km); else the borders, else the countries.
    std::optional<geo::Box> extent;
    /// True when `extent` holds the default extent, fixed by a renderer that plans twice
    /// (the notes then say why incidents lie outside). Default false.
    bool extent_from_data = false;
    /// Borders, claims, enclaves and countries drawn are those in force on this date.
    /// nullopt (default): today (UTC); small multiples then use each period's last day.
    std::optional<layers::Date> as_of;
    /// --from, --to, --type. Default: every incident.
    analysis::IncidentFilter filter;
    /// Empty (default): "Border incidents, FIRST–LAST" from the drawn incidents' years.
    std::string title;
    /// Small multiples: one panel per year or month from the first to the last period.
    Period by = Period::None;
    std::size_t max_panels = 48;
    /// Incident colour: by type (default) or by date on the style's date ramp.
    ColourBy colour_by = ColourBy::Type;
    /// Settlements within this geodesic distance of a drawn incident are ringed. Default
    /// 5 km (analysis::AffectedOptions' default); 0: no rings.
    double reach_m = 5000.0;
    /// Hatched disputed stretches and zones; empty by default.
    DisputedOverlay disputed;

    /// The hook for analysis output: adds each geometry's lines as disputed stretches and
    /// its polygons as disputed zones (points are ignored).
    void add_disputed(const std::vector<geo::Geometry>& geometries, const std::string& source);
};

/// The box of a circle of `radius_m` around `centre` (geodesic, north/east/south/west).
geo::Box box_around(geo::LonLat centre, double radius_m);

/// A place by name (case-insensitive): an enclave (the centre of its largest polygon's
/// box), else a settlement (the most populous of that name). `name_alt` attributes are
/// searched too, split at ';'. nullopt when nothing matches.
std::optional<geo::LonLat> find_place(const layers::Dataset& data, std::string_view name);

struct Panel {
    std::string label;                        // "2022", "2022-09"; empty for a single map
    std::optional<layers::DateRange> period;  // nullopt for a single map
    layers::Date borders_as_of;
    std::vector<std::size_t> countries, borders, claims, enclaves, incidents;  // dataset indices
    std::vector<std::size_t> settlements_in_reach;
};

enum class LegendKind {
    Heading,
    Area,
    Line,
    HatchedLine,
    HatchedArea,
    Marker,
    WaterSymbol,
    Dot,
    Ring,
    DateRamp,
    Note
};

struct LegendItem {
    LegendKind kind = LegendKind::Note;
    std::string label;
    AreaStyle area;
    LineStyle line;
    MarkerStyle marker;
    double size_pt = 0.0;    // marker or dot radius
    std::string water_kind;  // WaterSymbol: intake, dam, reservoir, facility
};

struct MapPlan {
    const layers::Dataset* data = nullptr;
    geo::Box extent;
    ProjectionChoice projection;
    std::vector<Panel> panels;
    std::vector<std::size_t> water, settlements;  // drawn in every panel
    DisputedOverlay disputed;
    ColourBy colour_by = ColourBy::Type;
    std::vector<Rgba> date_ramp;                              // the style's, for ColourBy::Date
    std::optional<layers::DateRange> incident_dates;          // of the drawn incidents
    std::map<std::string, MarkerStyle> incident_markers;      // every drawn type
    std::map<std::string, std::size_t> incident_type_counts;  // every drawn type
    std::map<std::string, Rgba> claim_colors;                 // every drawn claimant
    double reach_m = 0.0;
    std::string title;
    std::string subtitle;
    std::vector<std::string> attribution;  // lines
    std::vector<LegendItem> legend;
    std::vector<std::string> notes;  // things the reader should know, e.g. undated incidents

    [[nodiscard]] std::size_t incident_count() const;
    /// The drawn incident's colour: by type or by date.
    [[nodiscard]] Rgba incident_color(const layers::Incident& incident) const;
    [[nodiscard]] MarkerStyle incident_marker(const layers::Incident& incident) const;
};

/// Plans the map. `visible`: only features whose bounds meet this box are drawn (and so
/// listed in the legend); nullopt: everything selected (the HTML map, which can pan).
/// Throws UsageError for more panels than options.max_panels.
MapPlan plan_map(const layers::Dataset& data, const MapOptions& options, const Style& style,
                 const std::optional<geo::Box>& visible);

/// Radius of an incident symbol in points: grows with the square root of the fatalities.
double incident_radius_pt(const layers::Incident& incident, const Style& style);
/// Radius of a settlement dot in points: grows with the decimal logarithm of the population.
double settlement_radius_pt(std::optional<std::int64_t> population, const Style& style);
/// "Armed clash" for "armed_clash".
std::string type_label(const std::string& type);
/// "12,345".
std::string thousands(std::int64_t value);

}  // namespace fergana::render
