#pragma once
// The typed features of each layer role. Analyses take these, never GDAL objects.
// Geometries are WGS84 lon/lat (reprojected on load); units are in the names.

#include "geo/geometry.hpp"
#include "layers/dates.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fergana::layers {

/// Source attributes that are not canonical fields, kept for popups and outputs.
using Attributes = std::vector<std::pair<std::string, std::string>>;

/// Where a feature came from: its id in the source, for every message about it.
struct FeatureRef {
    std::string id;  // the canonical id, else the source FID as text
};

struct Country {
    FeatureRef ref;
    std::string iso3;
    std::string name;
    std::string source;
    Validity valid;
    geo::Geometry geometry;  // polygons
    Attributes attributes;
};

enum class BorderStatus { Agreed, Delimited, Demarcated, Disputed, Unknown };
std::string_view to_string(BorderStatus status) noexcept;
std::optional<BorderStatus> border_status_from_string(std::string_view text) noexcept;

struct Border {
    FeatureRef ref;
    std::string pair;  // two ISO3 codes sorted, "KGZ-TJK"
    std::string source;
    BorderStatus status = BorderStatus::Unknown;
    Validity valid;
    geo::Geometry geometry;  // lines
    Attributes attributes;
};

struct Claim {
    FeatureRef ref;
    std::string claimant;  // a country or a version, e.g. "osm2017"
    std::string pair;
    std::string source;
    Validity valid;
    geo::Geometry geometry;  // lines or polygons
    Attributes attributes;
};

struct Enclave {
    FeatureRef ref;
    std::string name;
    std::string owner;  // ISO3 of the state the enclave belongs to
    std::string host;   // ISO3 of the state around it
    std::string source;
    Validity valid;
    geo::Geometry geometry;  // polygons
    Attributes attributes;
};

struct WaterFeature {
    FeatureRef ref;
    std::string id;
    std::string name;
    std::string kind;  // intake, canal, river, reservoir, dam, pumping_station, ...
    std::string source;
    std::optional<double> accuracy_m;
    geo::Geometry geometry;  // points, lines or polygons
    Attributes attributes;
};

struct Settlement {
    FeatureRef ref;
    std::string id;
    std::string name;
    std::string country;  // ISO3
    std::optional<std::int64_t> population;
    std::string source;
    geo::LonLat position;
    Attributes attributes;
};

/// What few incidents have: casualty counts, a description, a source and extra attributes.
struct IncidentDetails {
    std::optional<std::int64_t> fatalities;
    std::optional<std::int64_t> injured;
    std::optional<std::int64_t> displaced;
    std::string description;
    std::string source;
    Attributes attributes;

    [[nodiscard]] bool empty() const noexcept {
        return !fatalities && !injured && !displaced && description.empty() && source.empty() && attributes.empty();
    }
};

/// An incident. Every analysis reads the id, type, date and position of a million of them;
/// the rest (IncidentDetails) is kept out of line and allocated only for an incident that has
/// any of it. That makes an incident 120 bytes instead of 248: for a million incidents, 128 MB
/// less fresh memory, which the kernel zeroes at 1-2.5 ms per MB on the machines measured
/// (docs/performance.md).
struct Incident {
    std::string id;  // the canonical id, else the source FID as text (no FeatureRef: it would repeat it)
    std::string type;
    geo::LonLat position;
    std::optional<DateRange> date;
    std::optional<double> precision_m;  // location uncertainty (radius)

    Incident() = default;
    Incident(const Incident& other)
        : id(other.id),
          type(other.type),
          position(other.position),
          date(other.date),
          precision_m(other.precision_m),
          m_details(other.m_details ? std::make_unique<IncidentDetails>(*other.m_details) : nullptr) {}
    Incident(Incident&&) noexcept = default;
    Incident& operator=(const Incident& other) {
        if (this != &other) *this = Incident(other);
        return *this;
    }
    Incident& operator=(Incident&&) noexcept = default;
    ~Incident() = default;

    /// The counts, texts and attributes; all empty when the incident has none.
    [[nodiscard]] const IncidentDetails& details() const noexcept {
        static const IncidentDetails none;
        return m_details ? *m_details : none;
    }
    /// The same, to set them (allocated on first use).
    IncidentDetails& mutable_details() {
        if (!m_details) m_details = std::make_unique<IncidentDetails>();
        return *m_details;
    }

private:
    std::unique_ptr<IncidentDetails> m_details;
};

/// A disputed stretch (line) or zone (polygon), e.g. as `fergana disputed` writes them.
struct DisputedFeature {
    FeatureRef ref;
    std::string pair;
    std::string claimant;
    std::string other;
    std::string source;
    geo::Geometry geometry;  // lines or polygons
    Attributes attributes;
};

}  // namespace fergana::layers
