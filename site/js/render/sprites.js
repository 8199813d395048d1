/**
 * Sprite pictures for the WebGL scatter: a three.js material that draws each
 * point as its own square cut from one sprite sheet, tinted by the point's colour.
 */
import * as THREE from '../../vendor/three.module.js';

export const SPRITE_PX = 22; // a picture's side at zoom 1, in CSS pixels

// Sprite mode: each point is a square cut from one sheet; picture i sits at column
// i % cols, row floor(i / cols) (the Projector's layout). gl_VertexID is the point's
// index even when only a visible subset is drawn through an index buffer.
const SPRITE_VERTEX = `
uniform float pointSize;
uniform float cols;
varying vec3 vColor;
varying vec2 vCell;
void main() {
  vColor = color;
  float i = float(gl_VertexID);
  vCell = vec2(mod(i, cols), floor(i / cols));
  gl_PointSize = pointSize;
  gl_Position = projectionMatrix * modelViewMatrix * vec4(position, 1.0);
}`;
const SPRITE_FRAGMENT = `
uniform sampler2D sheet;
uniform vec2 cellUv;
varying vec3 vColor;
varying vec2 vCell;
void main() {
  vec3 texel = texture2D(sheet, (vCell + gl_PointCoord) * cellUv).rgb;
  gl_FragColor = vec4(texel * mix(vec3(1.0), vColor, 0.5), 1.0); // tinted by the point's colour
}`;

/** A material drawing sprite pictures from `image` ({image, dim: [w, h], cols}). */
export function spriteMaterial({ image, dim, cols }) {
  const sheet = new THREE.Texture(image);
  sheet.flipY = false; // ImageBitmaps are uploaded as stored: row 0 at v = 0
  sheet.generateMipmaps = false;
  sheet.minFilter = THREE.LinearFilter;
  sheet.needsUpdate = true;
  return new THREE.ShaderMaterial({
    vertexShader: SPRITE_VERTEX,
    fragmentShader: SPRITE_FRAGMENT,
    vertexColors: true,
    uniforms: {
      sheet: { value: sheet },
      cols: { value: cols },
      cellUv: { value: new THREE.Vector2(dim[0] / image.width, dim[1] / image.height) },
      pointSize: { value: SPRITE_PX },
    },
  });
}
