#include "tools/role_table.hpp"

#include "tools/format.hpp"

#include <set>

namespace fergana::tools {

namespace {

using layers::FieldKind;
using layers::Value;

Value text(const std::string& s) { return s.empty() ? Value{} : Value{s}; }
template <typename T>
Value number(const std::optional<T>& v) { return v ? Value{*v} : Value{}; }

template <typename T>
const layers::Attributes& attributes_of(const T& f) { return f.attributes; }
const layers::Attributes& attributes_of(const layers::Incident& i) { return i.details().attributes; }

/// Builds the table: fixed fields first, then every attribute name seen, in first-seen order.
template <typename T, typename Fixed>
layers::OutputTable build(const std::string& name, const std::vector<T>& features,
                          std::vector<layers::OutputField> fields, Fixed fixed) {
    std::set<std::string> taken;
    for (const auto& f : fields) taken.insert(f.name);
    std::vector<std::string> extra;
    std::set<std::string> seen;
    for (const T& f : features) {
        for (const auto& [k, v] : attributes_of(f)) {
            if (seen.insert(k).second) extra.push_back(k);
        }
    }
    std::vector<std::string> extra_names;
    for (const std::string& k : extra) {
        std::string n = taken.count(k) ? "src_" + k : k;
        fields.push_back({n, FieldKind::Text});
        extra_names.push_back(k);
    }
    layers::OutputTable table(name, std::move(fields));
    for (const T& f : features) {
        auto [geometry, values] = fixed(f);
        for (const std::string& k : extra_names) {
            Value v;
            for (const auto& [ak, av] : attributes_of(f)) {
                if (ak == k) v = av;
            }
            values.push_back(v);
        }
        table.add(std::move(geometry), std::move(values));
    }
    return table;
}

std::string validity_text(const layers::Validity& v, bool from) {
    const auto& d = from ? v.from : v.to;
    return d ? d->to_string() : std::string();
}

}  // namespace

std::string cell_text(const Value& value, const layers::OutputField& field) {
    if (const auto s = layers::text_of(value)) return std::string(*s);
    if (const auto* i = std::get_if<std::int64_t>(&value)) return std::to_string(*i);
    if (const auto* d = std::get_if<double>(&value)) return format_number(*d, field.decimals);
    if (const auto* b = std::get_if<bool>(&value)) return *b ? "true" : "false";
    return {};
}

layers::OutputTable role_table(const layers::Dataset& data, layers::Role role) {
    using layers::Role;
    const std::string name(layers::to_string(role));
    const std::vector<layers::OutputField> validity = {{"valid_from", FieldKind::Text}, {"valid_to", FieldKind::Text}};
    auto with = [](std::vector<layers::OutputField> a, const std::vector<layers::OutputField>& b) {
        a.insert(a.end(), b.begin(), b.end());
        return a;
    };
    switch (role) {
        case Role::Countries:
            return build(name, data.countries.features,
                         with({{"iso3", FieldKind::Text}, {"name", FieldKind::Text}, {"source", FieldKind::Text}}, validity),
                         [](const layers::Country& c) {
                             return std::pair{c.geometry, std::vector<Value>{text(c.iso3), text(c.name), text(c.source),
                                                                              text(validity_text(c.valid, true)),
                                                                              text(validity_text(c.valid, false))}};
                         });
        case Role::Borders:
            return build(name, data.borders.features,
                         with({{"pair", FieldKind::Text}, {"status", FieldKind::Text}, {"source", FieldKind::Text}}, validity),
                         [](const layers::Border& b) {
                             return std::pair{b.geometry,
                                              std::vector<Value>{text(b.pair), std::string(layers::to_string(b.status)),
                                                                 text(b.source), text(validity_text(b.valid, true)),
                                                                 text(validity_text(b.valid, false))}};
                         });
        case Role::Claims:
            return build(name, data.claims.features,
                         with({{"claimant", FieldKind::Text}, {"pair", FieldKind::Text}, {"source", FieldKind::Text}}, validity),
                         [](const layers::Claim& c) {
                             return std::pair{c.geometry, std::vector<Value>{text(c.claimant), text(c.pair), text(c.source),
                                                                              text(validity_text(c.valid, true)),
                                                                              text(validity_text(c.valid, false))}};
                         });
        case Role::Enclaves:
            return build(name, data.enclaves.features,
                         with({{"name", FieldKind::Text}, {"owner", FieldKind::Text}, {"host", FieldKind::Text},
                               {"source", FieldKind::Text}}, validity),
                         [](const layers::Enclave& e) {
                             return std::pair{e.geometry, std::vector<Value>{text(e.name), text(e.owner), text(e.host),
                                                                              text(e.source), text(validity_text(e.valid, true)),
                                                                              text(validity_text(e.valid, false))}};
                         });
        case Role::Water:
            return build(name, data.water.features,
                         {{"id", FieldKind::Text}, {"name", FieldKind::Text}, {"kind", FieldKind::Text},
                          {"source", FieldKind::Text}, {"accuracy_m", FieldKind::Real, 0}},
                         [](const layers::WaterFeature& w) {
                             return std::pair{w.geometry, std::vector<Value>{text(w.id), text(w.name), text(w.kind),
                                                                              text(w.source), number(w.accuracy_m)}};
                         });
        case Role::Settlements:
            return build(name, data.settlements.features,
                         {{"id", FieldKind::Text}, {"name", FieldKind::Text}, {"country", FieldKind::Text},
                          {"population", FieldKind::Integer}, {"source", FieldKind::Text}},
                         [](const layers::Settlement& s) {
                             return std::pair{geo::Geometry::point(s.position),
                                              std::vector<Value>{text(s.id), text(s.name), text(s.country),
                                                                 number(s.population), text(s.source)}};
                         });
        case Role::Incidents:
            return build(name, data.incidents.features,
                         {{"id", FieldKind::Text}, {"date", FieldKind::Text}, {"type", FieldKind::Text},
                          {"fatalities", FieldKind::Integer}, {"injured", FieldKind::Integer},
                          {"displaced", FieldKind::Integer}, {"description", FieldKind::Text},
                          {"source", FieldKind::Text}, {"precision_m", FieldKind::Real, 0}},
                         [](const layers::Incident& i) {
                             return std::pair{geo::Geometry::point(i.position),
                                              std::vector<Value>{text(i.id), i.date ? Value{i.date->to_string()} : Value{},
                                                                 text(i.type), number(i.details().fatalities),
                                                                 number(i.details().injured), number(i.details().displaced),
                                                                 text(i.details().description), text(i.details().source),
                                                                 number(i.precision_m)}};
                         });
        case Role::Disputed:
            return build(name, data.disputed.features,
                         {{"pair", FieldKind::Text}, {"claimant", FieldKind::Text}, {"other", FieldKind::Text},
                          {"source", FieldKind::Text}},
                         [](const layers::DisputedFeature& d) {
                             return std::pair{d.geometry, std::vector<Value>{text(d.pair), text(d.claimant), text(d.other),
                                                                              text(d.source)}};
                         });
    }
    return layers::OutputTable(name, {});
}

}  // namespace fergana::tools
