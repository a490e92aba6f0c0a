#include "layers/source_info.hpp"

#include "layers/detail/gdal.hpp"

namespace fergana::layers {

std::string redact_source(const std::string& source) {
    return detail::redact(source);
}

bool crs_is_known(const std::string& crs) {
    detail::ensure_gdal();
    OGRSpatialReference srs;
    CPLErrorReset();
    return srs.SetFromUserInput(crs.c_str()) == OGRERR_NONE;
}

SourceInfo describe_source(const std::string& source) {
    GDALDatasetUniquePtr ds = detail::open_vector(source);
    SourceInfo info;
    info.source = detail::redact(source);
    info.driver = ds->GetDriver() ? ds->GetDriver()->GetDescription() : "";
    for (OGRLayer* layer : ds->GetLayers()) {
        LayerInfo li;
        li.name = layer->GetName();
        li.geometry_type = OGRGeometryTypeToName(layer->GetGeomType());
        li.feature_count = layer->GetFeatureCount(TRUE);
        li.crs = detail::crs_label(layer->GetSpatialRef());
        OGREnvelope env;
        if (layer->GetGeomType() != wkbNone && layer->GetExtent(&env, TRUE) == OGRERR_NONE) {
            li.extent = geo::Box{env.MinX, env.MinY, env.MaxX, env.MaxY};
        }
        const OGRFeatureDefn* defn = layer->GetLayerDefn();
        for (int i = 0; i < defn->GetFieldCount(); ++i) {
            const OGRFieldDefn* field = defn->GetFieldDefn(i);
            li.fields.push_back({field->GetNameRef(), OGRFieldDefn::GetFieldTypeName(field->GetType())});
        }
        info.layers.push_back(std::move(li));
    }
    return info;
}

}  // namespace fergana::layers
