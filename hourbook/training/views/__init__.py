"""Screens of in-house programmes: 培训计划 (plans), 培训实施 (trainees, attendance, registering), exports, 我的培训班."""
